package io.ultrachat.server.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A process a cluster test starts on this machine (an UltraChat node, a NATS or Redis server),
 * with its output in a log file; ended by its own handle only: {@link #kill()} is {@code kill -9},
 * {@link #stop()} a graceful SIGTERM.
 */
final class LocalProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  final int port;
  private final List<String> command;
  private final Path log;
  private Process process;

  private LocalProcess(String name, int port, List<String> command, Path log) {
    this.name = name;
    this.port = port;
    this.command = command;
    this.log = log;
  }

  static LocalProcess of(String name, int port, Path logDir, List<String> command) {
    return new LocalProcess(name, port, List.copyOf(command), logDir.resolve(name + ".log"));
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An UltraChat node from the shaded jar of this build, on the JDK running the tests. */
  static LocalProcess node(String name, Path logDir, int port, List<String> settings) {
    Path jar = Path.of("target", "ultrachat.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: cluster tests run after `package`");
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
        "-jar", jar.toString(), "serve", "--port", Integer.toString(port)));
    for (String s : settings) {
      cmd.add("--set");
      cmd.add(s);
    }
    return of(name, port, logDir, cmd);
  }

  LocalProcess start() {
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
    return this;
  }

  /** Waits until {@code GET /health/ready} answers 200, failing with the log's tail. */
  LocalProcess awaitReady(Duration timeout) {
    awaitCondition(timeout, () -> status("/health/ready") == 200);
    return this;
  }

  /** Waits until the port accepts connections (NATS, Redis). */
  LocalProcess awaitListening(Duration timeout) {
    awaitCondition(timeout, () -> {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return true;
      } catch (IOException e) {
        return false;
      }
    });
    return this;
  }

  private void awaitCondition(Duration timeout, BooleanSupplier ok) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logTail());
      }
      if (ok.getAsBoolean()) {
        return;
      }
      sleep(200);
    }
    throw new IllegalStateException(name + " was not ready within " + timeout + ":\n" + logTail());
  }

  int status(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** {@code kill -9}: no shutdown hooks, no goodbyes. */
  void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      waitFor();
    }
  }

  /** SIGTERM and wait for a graceful exit (at most 30 s, then forcibly). */
  void stop() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      waitFor();
    }
  }

  private void waitFor() {
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    kill();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
