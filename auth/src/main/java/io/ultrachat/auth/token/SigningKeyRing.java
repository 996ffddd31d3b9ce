package io.ultrachat.auth.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The RSA keys that sign and verify access tokens, loaded from the {@link SigningKeyStore}.
 *
 * <p>Design notes. The ring holds an immutable snapshot (signer of the current key plus a
 * verifier per key still in its grace period) behind a volatile field, so verification is
 * lock-free. Snapshots reload every {@code refreshEvery}, and at most once a second when a
 * token names an unknown {@code kid} (another node may just have rotated). A rotation
 * inserts a new key and lets the old one verify for {@code grace}, so tokens issued before
 * the rotation keep working until they expire.
 */
public final class SigningKeyRing implements VerificationKeys {
  private static final DateTimeFormatter KID_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
  private static final long UNKNOWN_KID_RELOAD_MILLIS = 1000;

  private final SigningKeyStore store;
  private final Clock clock;
  private final Duration grace;
  private final Duration refreshEvery;
  private final int keyBits;
  private final AtomicLong lastUnknownKidReload = new AtomicLong();
  private volatile Snapshot snapshot;

  private record Snapshot(String signingKid, RSASSASigner signer, Map<String, RSASSAVerifier> verifiers, JWKSet jwks, Instant loadedAt) {}

  /** The outcome of a rotation, for the admin who asked for it. */
  public record Rotation(String kid, List<String> previousKids, Instant previousVerifyUntil) {}

  public SigningKeyRing(SigningKeyStore store, Clock clock, Duration grace, Duration refreshEvery, int keyBits) {
    this.store = store;
    this.clock = clock;
    this.grace = grace;
    this.refreshEvery = refreshEvery;
    this.keyBits = keyBits;
  }

  /** Makes sure a signing key exists (creating the first one) and loads the ring. */
  public SigningKeyRing start() {
    if (store.listVerifying(clock.instant()).stream().noneMatch(SigningKey::signs)) {
      store.insertIfNoneSigning(generate());
    }
    reload();
    return this;
  }

  /** The key id and signer for new tokens. */
  public Map.Entry<String, RSASSASigner> signer() {
    Snapshot s = current();
    return Map.entry(s.signingKid(), s.signer());
  }

  /** The verifier for a key id, if that key is still valid. */
  @Override
  public Optional<RSASSAVerifier> verifier(String kid) {
    RSASSAVerifier v = current().verifiers().get(kid);
    if (v == null) {
      long now = clock.millis();
      long last = lastUnknownKidReload.get();
      if (now - last >= UNKNOWN_KID_RELOAD_MILLIS && lastUnknownKidReload.compareAndSet(last, now)) {
        reload();
        v = snapshot.verifiers().get(kid);
      }
    }
    return Optional.ofNullable(v);
  }

  /** The public keys that verify tokens now, as served at {@code /.well-known/jwks.json}. */
  public JWKSet publicJwks() {
    return current().jwks();
  }

  public Rotation rotate() {
    List<String> previous = new ArrayList<>();
    for (SigningKey k : store.listVerifying(clock.instant())) {
      if (k.signs()) {
        previous.add(k.kid());
      }
    }
    SigningKey next = generate();
    Instant graceUntil = next.createdAt().plus(grace);
    store.rotateTo(next, graceUntil);
    reload();
    return new Rotation(next.kid(), previous, graceUntil);
  }

  /** Every key that still verifies, newest first, for the admin listing. */
  public List<SigningKey> keys() {
    return store.listVerifying(clock.instant()).stream()
        .map(k -> new SigningKey(k.kid(), "", k.publicKey(), k.createdAt(), k.retiredAt(), k.verifyUntil()))
        .toList();
  }

  private Snapshot current() {
    Snapshot s = snapshot;
    if (s == null || clock.instant().isAfter(s.loadedAt().plus(refreshEvery))) {
      reload();
      s = snapshot;
    }
    return s;
  }

  /** Reloads keys from the store. Safe to call from several threads; the last load wins. */
  public synchronized void reload() {
    Instant now = clock.instant();
    List<SigningKey> keys = store.listVerifying(now);
    Map<String, RSASSAVerifier> verifiers = new LinkedHashMap<>();
    List<com.nimbusds.jose.jwk.JWK> jwks = new ArrayList<>();
    String signingKid = null;
    RSASSASigner signer = null;
    for (SigningKey k : keys) {
      RSAPublicKey pub = publicKey(k.publicKey());
      verifiers.put(k.kid(), new RSASSAVerifier(pub));
      jwks.add(new RSAKey.Builder(pub).keyID(k.kid()).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).build());
      if (k.signs() && signingKid == null) {
        signingKid = k.kid();
        signer = new RSASSASigner(privateKey(k.privateKey()));
      }
    }
    if (signer == null) {
      throw new IllegalStateException("no signing key is active; run 'ultrachat admin rotate-keys'");
    }
    snapshot = new Snapshot(signingKid, signer, Map.copyOf(verifiers), new JWKSet(jwks), now);
  }

  private SigningKey generate() {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(keyBits);
      KeyPair pair = gen.generateKeyPair();
      Instant now = clock.instant();
      String kid = KID_DATE.format(now) + "-" + UUID.randomUUID().toString().substring(0, 8);
      return new SigningKey(kid,
          Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()),
          Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()),
          now, Optional.empty(), Optional.empty());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("RSA is missing from this JDK", e);
    }
  }

  private static RSAPublicKey publicKey(String b64) {
    try {
      return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
    } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
      throw new IllegalStateException("stored signing key is corrupt", e);
    }
  }

  private static RSAPrivateKey privateKey(String b64) {
    try {
      return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
      throw new IllegalStateException("stored signing key is corrupt", e);
    }
  }

}
