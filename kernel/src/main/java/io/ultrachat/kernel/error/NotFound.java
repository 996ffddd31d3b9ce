package io.ultrachat.kernel.error;

/** The resource does not exist, or the caller may not know that it exists. */
public final class NotFound extends DomainException {
  public NotFound(String code, String detail) {
    super(code, detail);
  }

  public NotFound(String detail) {
    this("not-found", detail);
  }
}
