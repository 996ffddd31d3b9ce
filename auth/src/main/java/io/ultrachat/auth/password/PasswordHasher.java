package io.ultrachat.auth.password;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import io.ultrachat.kernel.error.Unavailable;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashing in the PHC string format
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}), so parameters travel with each
 * hash and can be raised later: {@link #needsRehash} tells when a stored hash is weaker than
 * the current parameters. Thread-safe.
 *
 * <p>Each hash costs tens of milliseconds of CPU by design and never yields, so it must not run
 * on a virtual thread's carrier: a few concurrent sign-ins would stall every other request on
 * the node. Hashing therefore runs on a small pool of platform threads ({@code maxConcurrent},
 * at most, by default half the cores); callers wait on it, which on a virtual thread costs
 * nothing. When more than {@value #QUEUE} hashes are waiting, callers get {@link Unavailable}.
 */
public final class PasswordHasher {
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private final int memoryKib;
  private final int iterations;
  private final int parallelism;
  private final SecureRandom random = new SecureRandom();
  private final String dummyHash;
  private final ExecutorService pool;

  private static final int QUEUE = 1024;

  /** @param maxConcurrent hashes computed at once; 0 means half the cores, at least one */
  public PasswordHasher(int memoryKib, int iterations, int parallelism, int maxConcurrent) {
    this.memoryKib = memoryKib;
    this.iterations = iterations;
    this.parallelism = parallelism;
    int threads = maxConcurrent > 0 ? maxConcurrent : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
        Thread.ofPlatform().name("argon2-", 0).daemon(true).factory(), new ThreadPoolExecutor.AbortPolicy());
    this.dummyHash = hash("timing-equaliser");
  }

  private <T> T onHashPool(Callable<T> work) {
    Future<T> result;
    try {
      result = pool.submit(work);
    } catch (RejectedExecutionException e) {
      throw new Unavailable("too many sign-ins are being processed; try again shortly");
    }
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.cancel(true);
      throw new Unavailable("the request was interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  public String hash(String password) {
    return onHashPool(() -> hashNow(password));
  }

  private String hashNow(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = derive(password, salt, memoryKib, iterations, parallelism, HASH_BYTES);
    return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$" + B64.encodeToString(salt)
        + "$" + B64.encodeToString(hash);
  }

  /** Constant-time check of a password against a PHC string; false for any malformed hash. */
  public boolean verify(String password, String phc) {
    return onHashPool(() -> verifyNow(password, phc));
  }

  private boolean verifyNow(String password, String phc) {
    Parsed p = Parsed.of(phc);
    if (p == null) {
      return false;
    }
    byte[] actual = derive(password, p.salt, p.memory, p.iterations, p.parallelism, p.hash.length);
    return MessageDigest.isEqual(actual, p.hash);
  }

  /**
   * Spends the same time as a real verification, for logins of unknown users, so response
   * time does not reveal which usernames exist.
   */
  public void verifyDummy(String password) {
    verify(password, dummyHash);
  }

  public boolean needsRehash(String phc) {
    Parsed p = Parsed.of(phc);
    return p == null || p.memory < memoryKib || p.iterations < iterations || p.parallelism < parallelism;
  }

  private static byte[] derive(String password, byte[] salt, int memory, int iterations, int parallelism, int length) {
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(memory)
        .withIterations(iterations)
        .withParallelism(parallelism)
        .withSalt(salt)
        .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] out = new byte[length];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }

  private record Parsed(int memory, int iterations, int parallelism, byte[] salt, byte[] hash) {
    static Parsed of(String phc) {
      String[] parts = phc.split("\\$");
      // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
      if (parts.length != 6 || !"argon2id".equals(parts[1]) || !"v=19".equals(parts[2])) {
        return null;
      }
      try {
        int m = 0;
        int t = 0;
        int p = 0;
        for (String kv : parts[3].split(",")) {
          String[] pair = kv.split("=", 2);
          int v = Integer.parseInt(pair[1]);
          switch (pair[0]) {
            case "m" -> m = v;
            case "t" -> t = v;
            case "p" -> p = v;
            default -> { return null; }
          }
        }
        if (m < 8 || t < 1 || p < 1) {
          return null;
        }
        return new Parsed(m, t, p, B64D.decode(parts[4]), B64D.decode(parts[5]));
      } catch (RuntimeException e) {
        return null;
      }
    }
  }
}
