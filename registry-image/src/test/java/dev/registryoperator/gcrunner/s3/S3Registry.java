package dev.registryoperator.gcrunner.s3;

import dev.registryoperator.gcrunner.testkit.RegistryClient;
import dev.registryoperator.s3server.S3Server;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
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
 * {@code docker-registry serve} on 127.0.0.1 and a free port, storing in a bucket of an {@link
 * S3Server}. Restartable; {@link #close()} stops it. Its config file serves {@code garbage-collect}
 * too.
 */
final class S3Registry implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final S3Server s3;
  private final String bucket;
  private final Path configFile;
  private final Path logFile;
  private int port;
  private Process process;

  private S3Registry(S3Server s3, String bucket, Path workDir) {
    this.s3 = s3;
    this.bucket = bucket;
    this.configFile = workDir.resolve("config.yml");
    this.logFile = workDir.resolve("registry.log");
  }

  /** Creates {@code bucket} and starts a registry on it; config and log go to {@code workDir}. */
  static S3Registry start(S3Server s3, String bucket, Path workDir)
      throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    s3.createBucket(bucket);
    S3Registry registry = new S3Registry(s3, bucket, workDir);
    registry.start();
    return registry;
  }

  /** (Re)starts the registry on a new free port, rewriting its config. */
  void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    port = freePort();
    Files.writeString(configFile, RegistryS3Config.yaml(s3, bucket, port));
    process =
        RegistryCommand.of("serve", configFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    try {
      awaitReady();
    } catch (IOException | InterruptedException e) {
      stop();
      throw e;
    }
  }

  /** Stops the registry and waits until it has exited. */
  void stop() throws InterruptedException {
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

  RegistryClient client() {
    return new RegistryClient(baseUri());
  }

  URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  Path configFile() {
    return configFile;
  }

  Path logFile() {
    return logFile;
  }

  /** What the registry has logged so far (for assertion messages). */
  String log() throws IOException {
    return Files.exists(logFile) ? Files.readString(logFile) : "";
  }

  private void awaitReady() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "registry exited with " + process.exitValue() + " at start-up:\n" + log());
      }
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(baseUri().resolve("/v2/"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (ConnectException e) {
        // not listening yet
      }
      Thread.sleep(25);
    }
    throw new IOException("registry did not answer within " + START_TIMEOUT + ":\n" + log());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
