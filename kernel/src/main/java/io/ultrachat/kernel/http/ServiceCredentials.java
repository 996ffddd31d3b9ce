package io.ultrachat.kernel.http;

import io.ultrachat.kernel.config.Settings;
import io.ultrachat.kernel.error.Unauthenticated;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks the credentials services of one cluster send each other:
 *
 * <pre>Authorization: Service &lt;service-name&gt;.&lt;unix-millis&gt;.&lt;base64url(HMAC-SHA256(secret,
 *     service-name + "." + unix-millis + "." + METHOD + " " + target))&gt;</pre>
 *
 * where {@code target} is the request's raw path plus {@code ?} and raw query if any, as sent on
 * the wire. The callee accepts a credential whose timestamp is within {@code tolerance} of its own
 * clock, either way, and compares signatures in constant time.
 *
 * <p>Why not a bare shared bearer? A bearer secret that shows up once in a log, a proxy trace or a
 * heap dump opens every internal route for good. Here the secret never travels: a captured header
 * proves only one method on one path (query included) for about a minute, so it cannot be replayed
 * against another route or later, and rotating the secret is the only response a leak of the
 * secret itself needs. What stays open is a replay of the very same request within the window;
 * internal routes are reads (or, for token introspection, say no more than the presented token
 * grants), so that is harmless. The body is not signed, for the same reason.
 *
 * <p>Thread-safe; a {@link Mac} is made per call because it is not.
 */
public final class ServiceCredentials implements ServiceAuthenticator {
  public static final String SCHEME = "Service";
  public static final int MIN_SECRET_BYTES = 32;
  private static final Pattern SERVICE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;
  private final Clock clock;
  private final Duration tolerance;

  /**
   * @param secret the cluster's shared secret, at least {@value #MIN_SECRET_BYTES} bytes
   * @param tolerance how far a credential's timestamp may be from {@code clock}, either way
   * @throws IllegalArgumentException if the secret is too short or the tolerance not positive
   */
  public ServiceCredentials(byte[] secret, Clock clock, Duration tolerance) {
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("the service secret must be at least " + MIN_SECRET_BYTES + " bytes but was "
          + secret.length);
    }
    if (tolerance.isNegative() || tolerance.isZero()) {
      throw new IllegalArgumentException("the service credential tolerance must be positive but was " + tolerance);
    }
    this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.tolerance = tolerance;
  }

  /**
   * The credentials configured by {@code cluster.service-secret}, or empty if it is not set.
   *
   * @throws IllegalArgumentException naming the setting if it is set but too short
   */
  public static Optional<ServiceCredentials> fromSettings(Settings settings, Clock clock) {
    String secret = settings.get(ClusterSettings.SERVICE_SECRET);
    if (secret.isEmpty()) {
      return Optional.empty();
    }
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("invalid setting " + ClusterSettings.SERVICE_SECRET.key() + ": must be at least "
          + MIN_SECRET_BYTES + " bytes but has " + bytes.length + "; generate one with 'openssl rand -base64 48'");
    }
    return Optional.of(new ServiceCredentials(bytes, clock, settings.get(ClusterSettings.SERVICE_CREDENTIAL_TOLERANCE)));
  }

  /**
   * The configured credentials, for a process that runs only some services and so must talk to
   * (or be called by) the others.
   *
   * @throws IllegalArgumentException naming {@code cluster.service-secret} if it is not set or too short
   */
  public static ServiceCredentials requiredFromSettings(Settings settings, Clock clock) {
    return fromSettings(settings, clock).orElseThrow(() -> new IllegalArgumentException("invalid setting "
        + ClusterSettings.SERVICE_SECRET.key() + ": a process that runs only some services needs the cluster's shared"
        + " service secret (at least " + MIN_SECRET_BYTES + " bytes, the same on every node); there is no default"));
  }

  /**
   * The {@code Authorization} header value with which {@code serviceName} calls {@code method
   * target} now.
   *
   * @param target the raw path plus {@code ?} and raw query if any, exactly as it will be sent
   */
  public String authorization(String serviceName, HttpMethod method, String target) {
    if (!SERVICE_NAME.matcher(serviceName).matches()) {
      throw new IllegalArgumentException("service name must be 1-32 of a-z, 0-9 and '-', starting with a letter, but was '"
          + serviceName + "'");
    }
    String millis = Long.toString(clock.millis());
    return SCHEME + " " + serviceName + "." + millis + "." + sign(serviceName, millis, method, target);
  }

  @Override
  public String authenticate(String authorization, HttpMethod method, String target) {
    if (authorization.length() <= SCHEME.length() + 1
        || !authorization.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1)) {
      throw invalid("internal routes need Authorization: Service <name>.<millis>.<signature>");
    }
    String[] parts = authorization.substring(SCHEME.length() + 1).strip().split("\\.", -1);
    if (parts.length != 3 || !SERVICE_NAME.matcher(parts[0]).matches() || parts[1].isEmpty() || parts[1].length() > 15
        || !parts[1].chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalid("the service credential is malformed");
    }
    byte[] presented;
    try {
      presented = Base64.getUrlDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw invalid("the service credential is malformed");
    }
    byte[] expected = Base64.getUrlDecoder().decode(sign(parts[0], parts[1], method, target));
    // Constant time, so the comparison leaks nothing about how much of a guess was right.
    if (!MessageDigest.isEqual(expected, presented)) {
      throw invalid("the service credential does not verify for this request");
    }
    long skew = Math.abs(clock.millis() - Long.parseLong(parts[1]));
    if (skew > tolerance.toMillis()) {
      throw new Unauthenticated("service-credential-expired", "the service credential's timestamp is "
          + skew + " ms from this node's clock; at most " + tolerance.toMillis() + " ms are accepted");
    }
    return parts[0];
  }

  private String sign(String serviceName, String millis, HttpMethod method, String target) {
    String message = serviceName + "." + millis + "." + method.name().toUpperCase(Locale.ROOT) + " " + target;
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is missing from this JDK", e);
    }
  }

  private static Unauthenticated invalid(String detail) {
    return new Unauthenticated("invalid-service-credential", detail);
  }

  @Override
  public String toString() {
    return "ServiceCredentials[secret hidden, tolerance=" + tolerance + "]";
  }
}
