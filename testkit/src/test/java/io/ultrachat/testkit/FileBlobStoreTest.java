package io.ultrachat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.kernel.blob.BlobStore;
import io.ultrachat.kernel.blob.FileBlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file blob store against the shared contract, plus what only a directory can show. */
class FileBlobStoreTest extends BlobStoreContract {
  @TempDir
  Path dir;

  private FileBlobStore store;

  @Override
  protected BlobStore store() {
    if (store == null) {
      store = new FileBlobStore(dir.resolve("blobs"));
    }
    return store;
  }

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void keysNeverReachTheFileSystemAsPaths() throws IOException {
    BlobStore s = store();
    s.put("../outside", new ByteArrayInputStream(new byte[] {1}), 1);
    s.put("/etc/absolute", new ByteArrayInputStream(new byte[] {2}), 1);
    try (Stream<Path> all = Files.walk(dir)) {
      assertThat(all.filter(Files::isRegularFile)).allSatisfy(p -> {
        assertThat(p).startsWith(dir.resolve("blobs"));
        assertThat(p.getFileName().toString()).matches("[0-9a-f]{64}");
      });
    }
    assertThat(files(dir.resolve("blobs"))).hasSize(2);
  }

  @Test
  void failedPutsLeaveNoFilesBehind() throws IOException {
    BlobStore s = store();
    try {
      s.put(key("big"), new ByteArrayInputStream(new byte[5000]), 100);
    } catch (RuntimeException expected) {
      // refused, as the contract says
    }
    try {
      s.put(key("broken"), failingAfter(100_000), 1_000_000);
    } catch (RuntimeException expected) {
      // refused, as the contract says
    }
    assertThat(files(dir.resolve("blobs"))).isEmpty();
  }

  @Test
  void staleTemporaryFilesOfACrashedPutAreRemovedOnOpenRecentOnesKept() throws IOException {
    Path root = dir.resolve("crashed");
    new FileBlobStore(root);
    Path stale = Files.writeString(root.resolve(".tmp").resolve("put-1.part"), "half");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(2 * 3600)));
    Path recent = Files.writeString(root.resolve(".tmp").resolve("put-2.part"), "in progress on another node");
    new FileBlobStore(root);
    assertThat(stale).doesNotExist();
    assertThat(recent).exists();
  }
}
