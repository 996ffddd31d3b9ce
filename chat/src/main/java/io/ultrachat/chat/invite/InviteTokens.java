package io.ultrachat.chat.invite;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Invite secrets and their storage form. A secret is {@code uci_} followed by 256 random bits
 * in base64url; with that much entropy a plain SHA-256 is the right storage hash (there is
 * nothing to brute-force) and a lookup by hash is one index probe. The same scheme as the Auth
 * service's API tokens, kept here so that Chat does not depend on Auth's internals.
 */
final class InviteTokens {
  static final String PREFIX = "uci_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private InviteTokens() {}

  /** A new secret: {@code uci_} and 43 base64url characters. */
  static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The SHA-256 of a secret, in lower-case hex. */
  static String hash(String secret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
