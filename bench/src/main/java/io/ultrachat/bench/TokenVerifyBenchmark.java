package io.ultrachat.bench;

import io.ultrachat.auth.token.AccessTokenClaims;
import io.ultrachat.auth.token.AccessTokens;
import io.ultrachat.auth.token.SigningKeyRing;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Base64;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Raw access-token verification: {@link AccessTokens#verify} with a real RS256 key ring (RSA
 * 2048 by default, the product default) over an in-memory key store. There is no cache in
 * this path: every call parses the JWT, checks the RSA signature and validates the claims.
 * (The HTTP edge additionally caches verified tokens; that is deliberately not measured here.)
 *
 * <p>A pool of distinct tokens is verified round-robin so nothing is accidentally memoised.
 * {@code verify1Thread} gives the per-core figure; {@code verify2Threads} runs two threads to
 * show scaling on a 2-core machine. {@code issue1Thread} (RS256 signing) is for context: it
 * is the per-request crypto cost of login, register and refresh. {@code jcaRsaVerify1Thread}
 * is the floor: the bare RSA signature check of the same tokens.
 *
 * <p>Run: {@code java -jar bench/target/ultrachat-bench.jar TokenVerifyBenchmark} (see
 * bench/run.sh for the exact options used in docs/performance.md).
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class TokenVerifyBenchmark {

  private static final int POOL = 1024;

  @State(Scope.Benchmark)
  public static class Keys {
    @Param({"2048"})
    public int keyBits;

    AccessTokens tokens;
    String[] pool;
    RSAPublicKey publicKey;
    byte[][] signingInputs;
    byte[][] signatures;

    @Setup(Level.Trial)
    public void setUp() {
      Clock clock = Clock.systemUTC();
      SigningKeyRing ring = new SigningKeyRing(new InMemorySigningKeyStore(), clock, Duration.ofHours(2),
          Duration.ofSeconds(30), keyBits).start();
      tokens = new AccessTokens(ring, clock, "ultrachat", "ultrachat-api", Duration.ofHours(1), Duration.ofSeconds(30));
      pool = new String[POOL];
      for (int i = 0; i < POOL; i++) {
        pool[i] = tokens.issue(1_000_000L + i, "bench-user-" + i, false, 5_000_000L + i);
      }
      try {
        publicKey = ((RSAKey) ring.publicJwks().getKeys().get(0)).toRSAPublicKey();
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
      signingInputs = new byte[POOL][];
      signatures = new byte[POOL][];
      for (int i = 0; i < POOL; i++) {
        int dot = pool[i].lastIndexOf('.');
        signingInputs[i] = pool[i].substring(0, dot).getBytes(StandardCharsets.US_ASCII);
        signatures[i] = Base64.getUrlDecoder().decode(pool[i].substring(dot + 1));
      }
      // Fail fast if the setup is wrong rather than benchmarking exceptions.
      AccessTokenClaims c = tokens.verify(pool[0]);
      if (c.userId() != 1_000_000L || c.sessionId() != 5_000_000L) {
        throw new IllegalStateException("verification returned wrong claims: " + c);
      }
    }
  }

  @State(Scope.Thread)
  public static class Cursor {
    int next;

    String take(String[] pool) {
      String t = pool[next];
      next = (next + 1) & (POOL - 1);
      return t;
    }
  }

  @Benchmark
  @Threads(1)
  public AccessTokenClaims verify1Thread(Keys keys, Cursor cursor) {
    return keys.tokens.verify(cursor.take(keys.pool));
  }

  @Benchmark
  @Threads(2)
  public AccessTokenClaims verify2Threads(Keys keys, Cursor cursor) {
    return keys.tokens.verify(cursor.take(keys.pool));
  }

  /**
   * Baseline: only the JCA {@code SHA256withRSA} check of the same tokens (no JWT parsing,
   * no claim checks). The gap to {@code verify1Thread} is the JOSE/JSON overhead.
   */
  @Benchmark
  @Threads(1)
  public boolean jcaRsaVerify1Thread(Keys keys, Cursor cursor) throws GeneralSecurityException {
    int i = cursor.next;
    cursor.next = (cursor.next + 1) & (POOL - 1);
    Signature sig = Signature.getInstance("SHA256withRSA");
    sig.initVerify(keys.publicKey);
    sig.update(keys.signingInputs[i]);
    if (!sig.verify(keys.signatures[i])) {
      throw new IllegalStateException("signature did not verify");
    }
    return true;
  }

  @Benchmark
  @Threads(1)
  public String issue1Thread(Keys keys, Cursor cursor) {
    int i = cursor.next;
    cursor.next = (cursor.next + 1) & (POOL - 1);
    return keys.tokens.issue(2_000_000L + i, "bench-user-" + i, false, 6_000_000L + i);
  }
}
