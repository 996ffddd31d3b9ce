package io.ultrachat.auth.remote;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.ultrachat.auth.token.VerificationKeys;
import io.ultrachat.kernel.error.Unavailable;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Auth service's signing keys as its public JWKS ({@code /.well-known/jwks.json}) says,
 * for verifying access tokens on nodes that do not run it.
 *
 * <p>Design notes. The keys are an immutable snapshot behind a volatile field, so a lookup of a
 * known {@code kid} never blocks. A snapshot older than {@code refreshEvery} is refreshed in the
 * background while the old one keeps answering. An unknown {@code kid} (the Auth service may just
 * have rotated) fetches at once and waits for the answer, but at most once per
 * {@code unknownKidInterval}: a flood of tokens with invented key ids costs the Auth service one
 * request per interval, and in between they are refused from memory; background refreshes are
 * spaced the same way, so a down Auth service is not hammered either. Fetches are single-flight:
 * concurrent callers wait on the one in progress. Only RSA keys for signatures with RS256 (or no
 * algorithm stated) are taken.
 */
final class RemoteJwks implements VerificationKeys {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteJwks.class);
  static final String PATH = "/.well-known/jwks.json";

  private record Snapshot(Map<String, RSASSAVerifier> verifiers, Instant fetchedAt) {}

  private final AuthServiceClient client;
  private final Clock clock;
  private final Duration refreshEvery;
  private final Duration unknownKidInterval;
  private final Duration waitAtMost;
  private final AtomicReference<CompletableFuture<Snapshot>> inFlight = new AtomicReference<>();
  private final AtomicReference<Instant> lastUnknownKidFetch = new AtomicReference<>(Instant.EPOCH);
  private final AtomicReference<Instant> lastBackgroundFetch = new AtomicReference<>(Instant.EPOCH);
  private volatile Snapshot snapshot = new Snapshot(Map.of(), Instant.EPOCH);

  RemoteJwks(AuthServiceClient client, Clock clock, Duration refreshEvery, Duration unknownKidInterval, Duration waitAtMost) {
    this.client = client;
    this.clock = clock;
    this.refreshEvery = refreshEvery;
    this.unknownKidInterval = unknownKidInterval;
    this.waitAtMost = waitAtMost;
  }

  /** Fetches the keys now and waits. @throws Unavailable if the Auth service cannot be reached */
  void load() {
    await(refresh());
  }

  @Override
  public Optional<RSASSAVerifier> verifier(String kid) {
    Snapshot s = snapshot;
    Instant now = clock.instant();
    if (now.isAfter(s.fetchedAt().plus(refreshEvery)) && claimFetch(lastBackgroundFetch, now)) {
      refresh(); // in the background; this lookup uses what is known
    }
    RSASSAVerifier known = s.verifiers().get(kid);
    if (known != null) {
      return Optional.of(known);
    }
    CompletableFuture<Snapshot> pending = inFlight.get();
    if (pending == null) {
      if (!claimFetch(lastUnknownKidFetch, now)) {
        return Optional.ofNullable(snapshot.verifiers().get(kid));
      }
      pending = refresh();
    }
    return Optional.ofNullable(await(pending).verifiers().get(kid));
  }

  /** Whether a fetch of this kind may start now: at most one per {@code unknownKidInterval}, also while failing. */
  private boolean claimFetch(AtomicReference<Instant> last, Instant now) {
    Instant previous = last.get();
    return !now.isBefore(previous.plus(unknownKidInterval)) && last.compareAndSet(previous, now);
  }

  /** Starts a fetch unless one is in progress; either way, the future of the fetch that will answer. */
  private CompletableFuture<Snapshot> refresh() {
    while (true) {
      CompletableFuture<Snapshot> current = inFlight.get();
      if (current != null) {
        return current;
      }
      CompletableFuture<Snapshot> mine = new CompletableFuture<>();
      if (inFlight.compareAndSet(null, mine)) {
        Thread.ofVirtual().name("auth-remote-jwks").start(() -> {
          // The slot is freed before the future completes, so whoever is woken (or comes next)
          // never finds this finished fetch still "in flight" and mistakes it for a new one.
          try {
            Snapshot next = fetch();
            snapshot = next;
            inFlight.compareAndSet(mine, null);
            mine.complete(next);
          } catch (RuntimeException e) {
            LOG.warn("fetching the JWKS from the auth service failed; keeping the {} known keys: {}", snapshot.verifiers().size(),
                e.getMessage());
            inFlight.compareAndSet(mine, null);
            mine.completeExceptionally(e);
          }
        });
        return mine;
      }
    }
  }

  private Snapshot fetch() {
    @SuppressWarnings("unchecked")
    Map<String, Object> json = client.get(PATH, Map.class)
        .orElseThrow(() -> new Unavailable("the authentication service publishes no JWKS; retry shortly"));
    JWKSet set;
    try {
      set = JWKSet.parse(json);
    } catch (ParseException e) {
      throw new Unavailable("the authentication service's JWKS cannot be read; retry shortly", e);
    }
    Map<String, RSASSAVerifier> verifiers = new LinkedHashMap<>();
    for (JWK jwk : set.getKeys()) {
      if (!(jwk instanceof RSAKey rsa) || jwk.getKeyID() == null
          || (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse()))
          || (jwk.getAlgorithm() != null && !JWSAlgorithm.RS256.equals(jwk.getAlgorithm()))) {
        continue;
      }
      try {
        verifiers.put(jwk.getKeyID(), new RSASSAVerifier(rsa.toRSAPublicKey()));
      } catch (JOSEException e) {
        LOG.warn("skipping JWKS key {}: {}", jwk.getKeyID(), e.getMessage());
      }
    }
    return new Snapshot(Map.copyOf(verifiers), clock.instant());
  }

  private Snapshot await(CompletableFuture<Snapshot> pending) {
    try {
      return pending.get(waitAtMost.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof Unavailable u) {
        throw u;
      }
      throw new Unavailable("the authentication service's keys cannot be fetched; retry shortly", e.getCause());
    } catch (TimeoutException e) {
      throw new Unavailable("the authentication service's keys cannot be fetched; retry shortly", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted while fetching the authentication service's keys", e);
    }
  }
}
