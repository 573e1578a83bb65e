package dev.cairn.cache.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} of the test's own: a child process on a free loopback port with a
 * directory of its own, stopped by {@link #close()}. It can be stopped and started again on the
 * same port, with its data (append-only file) or without, to test what a bus does when the server
 * goes away. Never the system's service, never another address than 127.0.0.1.
 */
final class RedisServer implements AutoCloseable {

  private final Path directory;
  private final int port;
  private final boolean persistent;
  private Process process;

  private RedisServer(Path directory, int port, boolean persistent) {
    this.directory = directory;
    this.port = port;
    this.persistent = persistent;
  }

  /**
   * Starts a server in {@code directory}; {@code persistent} keeps its data across a restart
   * (append-only file, fsync always).
   */
  static RedisServer start(Path directory, boolean persistent) throws IOException {
    RedisServer server = new RedisServer(directory, freePort(), persistent);
    server.startProcess();
    return server;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  /** Kills the server (SIGKILL: nothing is saved beyond what was already on disk). */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Starts the server again on the same port, with what its directory holds. */
  void restart() throws IOException {
    startProcess();
  }

  /** Starts the server again on the same port with no data at all: a server that lost it. */
  void restartEmpty() throws IOException {
    try (var files = Files.list(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        deleteTree(file);
      }
    }
    startProcess();
  }

  /** Sends one command (inline form) and returns the server's first reply line. */
  String command(String... words) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      StringBuilder request = new StringBuilder("*" + words.length + "\r\n");
      for (String word : words) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        request.append('$').append(bytes.length).append("\r\n").append(word).append("\r\n");
      }
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      kill();
    }
  }

  private void startProcess() throws IOException {
    Files.createDirectories(directory);
    List<String> command = new ArrayList<>(List.of("redis-server", "--port",
        Integer.toString(port), "--bind", "127.0.0.1", "--dir", directory.toString(),
        "--save", "", "--daemonize", "no", "--protected-mode", "yes"));
    if (persistent) {
      command.addAll(List.of("--appendonly", "yes", "--appendfsync", "always"));
    } else {
      command.addAll(List.of("--appendonly", "no"));
    }
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(directory.resolve("redis.log").toFile()).start();
    } catch (IOException e) {
      throw new IOException("Cannot start redis-server (" + e.getMessage() + "): cache-redis's"
          + " tests need it on the PATH; on Debian: apt-get install redis-server", e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("redis-server exited at start (code " + process.exitValue()
            + "); see " + directory.resolve("redis.log"));
      }
      try {
        if ("+PONG".equals(command("PING"))) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for redis-server", e);
      }
    }
    process.destroyForcibly();
    throw new IOException("redis-server did not answer PING on port " + port + " within 10 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      try (var children = Files.list(path)) {
        for (Path child : (Iterable<Path>) children::iterator) {
          deleteTree(child);
        }
      }
    }
    Files.deleteIfExists(path);
  }
}
