package dev.registryoperator.gcrunner.testkit;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real distribution registry ({@code registry serve}) on 127.0.0.1 and a free port, with a
 * filesystem storage in a directory of its own, deletes enabled. Restartable; {@link #close()}
 * stops it.
 *
 * <pre>{@code
 * try (RegistryProcess registry = RegistryProcess.start(tempDir)) {
 *     ImagePusher pusher = new ImagePusher(registry.client());
 *     ...
 *     registry.stop();                    // nothing may write while garbage-collect runs
 *     ... run the GC against registry.configFile() ...
 *     registry.start();                   // pull again
 * }
 * }</pre>
 */
public final class RegistryProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Path binary;
  private final Path workDir;
  private final Path storage;
  private final Path configFile;
  private final Path logFile;
  private int port;
  private Process process;

  private RegistryProcess(Path binary, Path workDir) {
    this.binary = binary;
    this.workDir = workDir;
    this.storage = workDir.resolve("storage");
    this.configFile = workDir.resolve("config.yml");
    this.logFile = workDir.resolve("registry.log");
  }

  /** The registry binary: {@code $REGISTRY_BINARY}, else {@code /usr/bin/docker-registry}. */
  public static Path binary() {
    String fromEnv = System.getenv("REGISTRY_BINARY");
    return Path.of(fromEnv == null || fromEnv.isBlank() ? "/usr/bin/docker-registry" : fromEnv);
  }

  /** Starts a registry whose config, storage and log live in {@code workDir}. */
  public static RegistryProcess start(Path workDir) throws IOException, InterruptedException {
    RegistryProcess registry = new RegistryProcess(binary(), workDir);
    Files.createDirectories(registry.storage);
    registry.start();
    return registry;
  }

  /** (Re)starts the registry on a new free port, rewriting its config. */
  public void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      port = freePort();
      Files.writeString(configFile, config(storage, port));
      process =
          new ProcessBuilder(binary.toString(), "serve", configFile.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
      try {
        awaitReady();
        return;
      } catch (IOException e) {
        last = e;
        stop();
      }
    }
    throw last;
  }

  /** Stops the registry and waits until it has exited. */
  public void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public RegistryClient client() {
    return new RegistryClient(baseUri());
  }

  public Path storage() {
    return storage;
  }

  public Path configFile() {
    return configFile;
  }

  public Path logFile() {
    return logFile;
  }

  public Path workDir() {
    return workDir;
  }

  /** The config the registry runs with; the GC runner reads the same file. */
  public static String config(Path storage, int port) {
    return """
                version: 0.1
                log:
                  level: info
                  fields:
                    service: registry
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                  secret: test-http-secret-not-for-production
                """
        .formatted(storage, port);
  }

  private void awaitReady() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("registry exited with " + process.exitValue() + "; see " + logFile);
      }
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(baseUri().resolve("/v2/"))
                    .GET()
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (ConnectException e) {
        // not listening yet
      } catch (IOException e) {
        // connection reset while starting
      }
      Thread.sleep(25);
    }
    throw new IOException("registry did not answer within " + START_TIMEOUT + "; see " + logFile);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
