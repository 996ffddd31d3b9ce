package io.ultrachat.kernel.error;

/** The caller is known but may not do this. Use {@link NotFound} where existence itself is secret. */
public final class Forbidden extends DomainException {
  public Forbidden(String code, String detail) {
    super(code, detail);
  }

  public Forbidden(String detail) {
    this("forbidden", detail);
  }
}
