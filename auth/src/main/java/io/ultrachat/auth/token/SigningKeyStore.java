package io.ultrachat.auth.token;

import java.time.Instant;
import java.util.List;

/** Persistence of signing keys. Thread-safe; each method is atomic. */
public interface SigningKeyStore {
  /** Keys that still verify at {@code now}, newest first. */
  List<SigningKey> listVerifying(Instant now);

  /** Inserts a key only if no key is signing yet. Returns whether it was inserted. */
  boolean insertIfNoneSigning(SigningKey key);

  /**
   * Makes {@code key} the signing key: inserts it and retires every other signing key,
   * letting them verify until {@code graceUntil}.
   */
  void rotateTo(SigningKey key, Instant graceUntil);
}
