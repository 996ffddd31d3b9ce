package io.ultrachat.kernel.error;

/** The request conflicts with the current state (a taken name, a stale version). */
public final class Conflict extends DomainException {
  public Conflict(String code, String detail) {
    super(code, detail);
  }
}
