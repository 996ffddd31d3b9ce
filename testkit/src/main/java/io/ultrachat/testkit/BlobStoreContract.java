package io.ultrachat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.kernel.blob.BlobStore;
import io.ultrachat.kernel.blob.BlobTooLarge;
import io.ultrachat.testkit.store.Concurrently;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link BlobStore}, for every implementation: subclass it and return the store
 * under test. Keys carry a fresh prefix per test, so a shared store needs no cleanup.
 */
public abstract class BlobStoreContract {
  private final String prefix = "bsc-" + UUID.randomUUID() + "/";

  protected abstract BlobStore store();

  protected String key(String name) {
    return prefix + name;
  }

  protected static byte[] randomBytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  protected static byte[] read(BlobStore store, String key) {
    Optional<BlobStore.Blob> blob = store.get(key);
    assertThat(blob).as("blob %s", key).isPresent();
    try (BlobStore.Blob b = blob.get()) {
      byte[] bytes = b.content().readAllBytes();
      assertThat((long) bytes.length).as("declared size of %s", key).isEqualTo(b.size());
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void whatIsPutIsReadBackByteForByte() {
    BlobStore s = store();
    byte[] content = randomBytes(3 * 1024 * 1024 + 17, 1);
    assertThat(s.put(key("big"), new ByteArrayInputStream(content), content.length)).isEqualTo(content.length);
    assertThat(read(s, key("big"))).isEqualTo(content);
    assertThat(s.size(key("big"))).contains((long) content.length);
  }

  @Test
  void emptyContentIsABlobOfSizeZero() {
    BlobStore s = store();
    assertThat(s.put(key("empty"), InputStream.nullInputStream(), 10)).isZero();
    assertThat(read(s, key("empty"))).isEmpty();
    assertThat(s.size(key("empty"))).contains(0L);
  }

  @Test
  void anUnknownKeyHasNoBlob() {
    BlobStore s = store();
    assertThat(s.get(key("never"))).isEmpty();
    assertThat(s.size(key("never"))).isEmpty();
    assertThat(s.delete(key("never"))).isFalse();
  }

  @Test
  void putReplacesTheBlob() {
    BlobStore s = store();
    s.put(key("k"), new ByteArrayInputStream(randomBytes(5000, 2)), 10_000);
    byte[] second = randomBytes(100, 3);
    s.put(key("k"), new ByteArrayInputStream(second), 10_000);
    assertThat(read(s, key("k"))).isEqualTo(second);
  }

  @Test
  void deleteRemovesTheBlobOnce() {
    BlobStore s = store();
    s.put(key("k"), new ByteArrayInputStream(new byte[] {1, 2, 3}), 3);
    assertThat(s.delete(key("k"))).isTrue();
    assertThat(s.get(key("k"))).isEmpty();
    assertThat(s.size(key("k"))).isEmpty();
    assertThat(s.delete(key("k"))).isFalse();
  }

  @Test
  void contentOfExactlyTheLimitIsAcceptedAndOneByteMoreIsRefusedLeavingNothing() {
    BlobStore s = store();
    assertThat(s.put(key("fits"), new ByteArrayInputStream(new byte[1000]), 1000)).isEqualTo(1000);
    assertThatThrownBy(() -> s.put(key("over"), new ByteArrayInputStream(new byte[1001]), 1000))
        .isInstanceOf(BlobTooLarge.class).hasMessageContaining("1000");
    assertThat(s.get(key("over"))).isEmpty();
    assertThat(s.size(key("over"))).isEmpty();
  }

  @Test
  void aRefusedPutLeavesThePreviousBlobUntouched() {
    BlobStore s = store();
    byte[] original = randomBytes(500, 4);
    s.put(key("k"), new ByteArrayInputStream(original), 1000);
    assertThatThrownBy(() -> s.put(key("k"), new ByteArrayInputStream(new byte[2000]), 1000)).isInstanceOf(BlobTooLarge.class);
    assertThatThrownBy(() -> s.put(key("k"), failingAfter(700), 1000)).isInstanceOf(UncheckedIOException.class);
    assertThat(read(s, key("k"))).isEqualTo(original);
  }

  @Test
  void aContentStreamThatFailsStoresNothing() {
    BlobStore s = store();
    assertThatThrownBy(() -> s.put(key("broken"), failingAfter(200_000), 1_000_000))
        .isInstanceOf(UncheckedIOException.class);
    assertThat(s.get(key("broken"))).isEmpty();
  }

  @Test
  void theLimitIsCheckedWhileStreamingNotByReadingEverythingFirst() throws IOException {
    BlobStore s = store();
    // An endless stream: a put that tried to read it whole before checking would never return.
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        return 7;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) 7);
        return len;
      }
    };
    assertThatThrownBy(() -> s.put(key("endless"), endless, 256 * 1024)).isInstanceOf(BlobTooLarge.class);
    assertThat(s.get(key("endless"))).isEmpty();
  }

  @Test
  void keysAreOpaqueAndNeverCollide() {
    BlobStore s = store();
    List<String> names = List.of("../../../etc/passwd", "a/b", "a\\b", "A/B", ".", "..", "with space", "ünïcödé 🎉", "a\u0000b",
        "x".repeat(300));
    for (int i = 0; i < names.size(); i++) {
      s.put(key(names.get(i)), new ByteArrayInputStream(new byte[] {(byte) i}), 1);
    }
    for (int i = 0; i < names.size(); i++) {
      assertThat(read(s, key(names.get(i)))).as("blob of key %s", names.get(i)).containsExactly((byte) i);
    }
    assertThat(s.get(key("a/B"))).isEmpty();
  }

  @Test
  void malformedKeysAndLimitsAreRefused() {
    BlobStore s = store();
    assertThatThrownBy(() -> s.put("", InputStream.nullInputStream(), 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.get("k".repeat(BlobStore.KEY_MAX + 1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Integer.toString(BlobStore.KEY_MAX));
    assertThatThrownBy(() -> s.put(key("k"), InputStream.nullInputStream(), -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentPutsOfOneKeyLeaveOneWholeBlob() {
    BlobStore s = store();
    int writers = 6;
    List<byte[]> contents = new java.util.ArrayList<>();
    for (int i = 0; i < writers; i++) {
      contents.add(randomBytes(256 * 1024, 100 + i));
    }
    List<Concurrently.Outcome<Long>> outcomes = Concurrently.race(writers,
        i -> () -> s.put(key("contended"), new ByteArrayInputStream(contents.get(i)), 1 << 20));
    assertThat(outcomes).allMatch(Concurrently.Outcome::succeeded);
    byte[] stored = read(s, key("contended"));
    assertThat(contents).anySatisfy(c -> assertThat(c).isEqualTo(stored));
  }

  @Test
  void anOpenBlobReadsToItsEndEvenIfDeletedMeanwhile() throws IOException {
    BlobStore s = store();
    byte[] content = randomBytes(300_000, 5);
    s.put(key("k"), new ByteArrayInputStream(content), content.length);
    try (BlobStore.Blob open = s.get(key("k")).orElseThrow()) {
      byte[] head = open.content().readNBytes(1000);
      s.delete(key("k"));
      byte[] rest = open.content().readAllBytes();
      assertThat(head.length + rest.length).isEqualTo(content.length);
    }
  }

  /** Content that yields {@code n} bytes and then fails, like an upload whose connection broke. */
  protected static InputStream failingAfter(int n) {
    return new InputStream() {
      private int given;

      @Override
      public int read() throws IOException {
        if (given >= n) {
          throw new IOException("connection reset");
        }
        given++;
        return 1;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (given >= n) {
          throw new IOException("connection reset");
        }
        int k = Math.min(len, n - given);
        java.util.Arrays.fill(b, off, off + k, (byte) 1);
        given += k;
        return k;
      }
    };
  }
}
