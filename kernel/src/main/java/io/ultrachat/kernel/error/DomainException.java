package io.ultrachat.kernel.error;

/**
 * The closed set of failures that domain code may raise. Services throw these and never
 * think about HTTP; the one exception mapper at the edge turns each into an
 * {@code application/problem+json} response with a stable {@code type}.
 *
 * <p>{@link #code()} is the stable, machine-readable name of the problem (it is the last
 * segment of the problem type URI); the message is the human-readable detail and must never
 * contain secrets.
 */
public abstract sealed class DomainException extends RuntimeException
    permits InvalidInput, Unauthenticated, Forbidden, NotFound, Conflict, RateLimited, Unavailable {

  private final String code;

  protected DomainException(String code, String detail) {
    super(detail, null, false, false);
    this.code = code;
  }

  protected DomainException(String code, String detail, Throwable cause) {
    super(detail, cause, false, false);
    this.code = code;
  }

  /** Stable problem code, e.g. {@code invalid-input} or {@code username-taken}. */
  public String code() {
    return code;
  }
}
