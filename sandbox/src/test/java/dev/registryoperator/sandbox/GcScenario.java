package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registryoperator.gc.GcRunRecord;
import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.gc.GcScheduleSpec;
import dev.registryoperator.s3server.S3Server;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.awaitility.core.ConditionFactory;

/**
 * One end-to-end scenario: a sandbox of its own (work directory {@code
 * target/test-sandboxes/<name>}), the example Registry {@code images}, an on-demand GcSchedule,
 * sample images pushed and some deleted, a GC observer.
 */
final class GcScenario implements AutoCloseable {
  static final String REGISTRY = "images";
  static final String SCHEDULE = "on-demand";
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  final Sandbox sandbox;
  final UserActions user;
  final GcObserver observer = new GcObserver();
  final Path workDir;
  String url;
  SampleImages images;

  private GcScenario(String name, Consumer<Sandbox.Builder> settings) throws IOException {
    workDir = workDir(name);
    Sandbox.Builder builder = Sandbox.builder().workDir(workDir);
    settings.accept(builder);
    sandbox = builder.start();
    sandbox.runtime().addJobListener(observer);
    user = new UserActions(sandbox);
  }

  static GcScenario start(String name) throws IOException {
    return new GcScenario(name, b -> {});
  }

  static GcScenario start(String name, Consumer<Sandbox.Builder> settings) throws IOException {
    return new GcScenario(name, settings);
  }

  static ConditionFactory eventually() {
    return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).ignoreExceptions();
  }

  /**
   * The example Registry, serving; and an on-demand GcSchedule for it with {@code spec} applied.
   */
  GcScenario registryAndSchedule(Consumer<GcScheduleSpec> spec) {
    user.createRegistryFromExample("registry-minimal.yaml", r -> {});
    return servingWithSchedule(spec);
  }

  /** Waits until the Registry serves, then adds the on-demand GcSchedule. */
  private GcScenario servingWithSchedule(Consumer<GcScheduleSpec> spec) {
    user.awaitRegistryServing(REGISTRY, TIMEOUT);
    url = user.serviceUrl(REGISTRY);
    user.createOnDemandSchedule(
        REGISTRY,
        s -> {
          s.setQuiesceTimeout("1m");
          spec.accept(s);
        });
    user.awaitScheduleReady(SCHEDULE, TIMEOUT);
    return this;
  }

  /**
   * The S3 example Registry (one replica) on {@code bucket} of {@code s3}, its credentials in the
   * example's Secret, serving; and an on-demand GcSchedule for it with {@code spec} applied.
   */
  GcScenario s3RegistryAndSchedule(S3Server s3, String bucket, Consumer<GcScheduleSpec> spec) {
    s3.createBucket(bucket);
    sandbox
        .client()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("s3-credentials")
                .withNamespace(Sandbox.NAMESPACE)
                .endMetadata()
                .addToStringData("accessKey", s3.accessKey())
                .addToStringData("secretKey", s3.secretKey())
                .build())
        .create();
    user.createRegistryFromExample(
        "registry-s3.yaml",
        r -> {
          r.getMetadata().setName(REGISTRY);
          r.getSpec().setReplicas(1);
          r.getSpec().getStorage().getS3().setBucket(bucket);
          r.getSpec().getStorage().getS3().setRegion(S3Server.REGION);
          r.getSpec().getStorage().getS3().setRegionEndpoint(s3.endpoint().toString());
        });
    return servingWithSchedule(spec);
  }

  /**
   * Pushes the sample images (Docker, OCI, an index, a manifest list, a shared layer) and deletes
   * two.
   */
  SampleImages pushAndDeleteSamples(int layerSize) throws IOException {
    images = new SampleImages(url, 3);
    images.push(layerSize);
    images.deleteOld();
    return images;
  }

  Path storage() {
    return user.storageOf(REGISTRY);
  }

  String requestRun() {
    return user.requestRun(SCHEDULE);
  }

  GcRunRecord awaitRun(long n) {
    return user.awaitRunFinished(SCHEDULE, n, TIMEOUT);
  }

  GcSchedule schedule() {
    return user.schedule(SCHEDULE);
  }

  /**
   * Waits until the pusher has at least {@code n} successful pushes that started after {@code
   * after}.
   */
  static void awaitPushesSucceed(TrafficProbe traffic, Instant after, int n) {
    eventually()
        .until(
            () ->
                traffic.pushes().stream()
                        .filter(
                            a -> a.outcome() == TrafficProbe.Outcome.Ok && a.start().isAfter(after))
                        .count()
                    >= n);
  }

  List<ProcessRecord> registryProcesses() {
    return sandbox.runtime().processes().stream()
        .filter(p -> p.kind() == ProcessRecord.Kind.Registry)
        .toList();
  }

  List<ProcessRecord> jobProcesses() {
    return sandbox.runtime().processes().stream()
        .filter(p -> p.kind() == ProcessRecord.Kind.Job)
        .toList();
  }

  /** The work directory of a scenario, created. */
  static Path workDir(String name) throws IOException {
    Path dir =
        Path.of(System.getProperty("sandbox.testWorkDir", "target/test-sandboxes"))
            .resolve(name)
            .toAbsolutePath();
    Files.createDirectories(dir);
    return dir;
  }

  /** An executable shell script in a scenario's work directory. */
  static Path script(String scenario, String name, String body) throws IOException {
    Path file = workDir(scenario).resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  /** Every file under a directory, relative path to size: to prove nothing at all changed. */
  static Map<String, Long> files(Path root) {
    Map<String, Long> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .filter(Files::isRegularFile)
          .forEach(
              p -> {
                try {
                  files.put(root.relativize(p).toString(), Files.size(p));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  @Override
  public void close() {
    List<Throwable> errors = sandbox.cluster().errors();
    sandbox.close();
    errors.forEach(Throwable::printStackTrace);
    assertThat(errors).as("errors inside the fake cluster").isEmpty();
    assertThat(sandbox.runtime().processes())
        .as("every process the sandbox started has exited")
        .allSatisfy(p -> assertThat(p.exitedAt()).as(p.toString()).isNotNull());
  }
}
