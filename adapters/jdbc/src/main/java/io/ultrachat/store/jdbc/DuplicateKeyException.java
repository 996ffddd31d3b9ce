package io.ultrachat.store.jdbc;

/**
 * A unique constraint rejected a write. Stores let it through so the service can say what
 * the conflict means in domain terms (a taken username, a replayed id).
 */
public final class DuplicateKeyException extends RuntimeException {
  public DuplicateKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
