package io.ultrachat.kernel.error;

/** A dependency is down or overloaded; the request may be retried later. */
public final class Unavailable extends DomainException {
  public Unavailable(String detail, Throwable cause) {
    super("unavailable", detail, cause);
  }

  public Unavailable(String detail) {
    super("unavailable", detail);
  }
}
