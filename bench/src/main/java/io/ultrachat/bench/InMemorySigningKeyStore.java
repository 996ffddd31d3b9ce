package io.ultrachat.bench;

import io.ultrachat.auth.token.SigningKey;
import io.ultrachat.auth.token.SigningKeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A {@link SigningKeyStore} in memory, so the token benchmarks measure cryptography and
 * claim checks rather than a database. Same contract as the JDBC store: thread-safe, each
 * method atomic, {@link #listVerifying} newest first.
 */
public final class InMemorySigningKeyStore implements SigningKeyStore {
  private final List<SigningKey> keys = new ArrayList<>();

  @Override
  public synchronized List<SigningKey> listVerifying(Instant now) {
    return keys.stream()
        .filter(k -> k.verifiesAt(now))
        .sorted(Comparator.comparing(SigningKey::createdAt).reversed())
        .toList();
  }

  @Override
  public synchronized boolean insertIfNoneSigning(SigningKey key) {
    if (keys.stream().anyMatch(SigningKey::signs)) {
      return false;
    }
    keys.add(key);
    return true;
  }

  @Override
  public synchronized void rotateTo(SigningKey key, Instant graceUntil) {
    for (int i = 0; i < keys.size(); i++) {
      SigningKey k = keys.get(i);
      if (k.signs()) {
        keys.set(i, new SigningKey(k.kid(), k.privateKey(), k.publicKey(), k.createdAt(), Optional.of(key.createdAt()),
            Optional.of(graceUntil)));
      }
    }
    keys.add(key);
  }
}
