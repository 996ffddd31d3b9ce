package io.ultrachat.kernel.error;

/** No valid credentials were presented (missing, malformed, expired or revoked). */
public final class Unauthenticated extends DomainException {
  public Unauthenticated(String code, String detail) {
    super(code, detail);
  }

  public Unauthenticated(String detail) {
    this("unauthenticated", detail);
  }
}
