package io.ultrachat.bus.nats;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A private nats-server for tests that stop and restart the broker: started on a free loopback
 * port with JetStream in a temporary directory, stopped only through the process it started.
 */
final class NatsServerProcess implements AutoCloseable {
  private static final String BINARY = "/usr/sbin/nats-server";
  private static final Duration READY = Duration.ofSeconds(10);

  private final int port;
  private final Path dir;
  private Process process;

  NatsServerProcess() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      this.port = s.getLocalPort();
    }
    this.dir = Files.createTempDirectory("ultrachat-nats-");
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  /** Starts the server and waits, at most {@link #READY}, until it accepts connections. */
  void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running");
    }
    process = new ProcessBuilder(BINARY, "-a", "127.0.0.1", "-p", Integer.toString(port), "-js", "-sd", dir.resolve("js").toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()))
        .start();
    long deadline = System.nanoTime() + READY.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("nats-server exited with " + process.exitValue() + "; see " + dir.resolve("server.log"));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("nats-server did not listen on " + port + " within " + READY);
  }

  /** Stops the server this object started (SIGTERM, then SIGKILL after a bounded wait). */
  void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    process = null;
  }

  /** Stops the server and deletes its directory. */
  @Override
  public void close() throws InterruptedException {
    stop();
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Only a leftover temporary directory; the test result does not depend on it.
    }
  }
}
