package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gcrunner.RunnerHarness.Run;
import dev.registryoperator.gcrunner.s3.RegistryS3Config;
import dev.registryoperator.gcrunner.testkit.ImagePusher;
import dev.registryoperator.gcrunner.testkit.ImagePusher.Format;
import dev.registryoperator.gcrunner.testkit.PushedImage;
import dev.registryoperator.gcrunner.testkit.RegistryProcess;
import dev.registryoperator.gcrunner.testkit.StorageSnapshot;
import dev.registryoperator.s3server.S3Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes 2, 3 and 5, the remote-storage path, and that a report is written every time. */
class GcRunnerFailureTest {
  private static final String VERSION_3 = "registry github.com/distribution/distribution/v3 v3.0.0";
  private static final String VERSION_2 =
      "docker-registry github.com/docker/distribution 2.8.2+ds1";

  @TempDir Path dir;

  @Test
  void missingConfigExits2() throws Exception {
    Run run = RunnerHarness.runWith(RegistryProcess.binary(), dir.resolve("nope.yml"), dir);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.result()).isEqualTo("ConfigurationError");
    assertThat(run.number("exitCode")).isEqualTo(2);
    assertThat(run.report().get("message").asText())
        .isEqualTo("registry config not found: " + dir.resolve("nope.yml"));
    assertThat(run.log()).contains("ConfigurationError (exit 2)");
  }

  @Test
  void malformedConfigExits2() throws Exception {
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config, "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: [/var/lib\n");

    Run run = RunnerHarness.runWith(RegistryProcess.binary(), config, dir);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.report().get("message").asText())
        .contains(config.toString(), "is not valid YAML");
  }

  @Test
  void configWithoutStorageExits2() throws Exception {
    Path config = dir.resolve("config.yml");
    Files.writeString(config, "version: 0.1\nhttp:\n  addr: :5000\n");

    Run run = RunnerHarness.runWith(RegistryProcess.binary(), config, dir);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.report().get("message").asText()).contains("has no storage section");
  }

  @Test
  void badCommandLineExits2AndStillWritesTheReport() throws Exception {
    Run run = RunnerHarness.run(dir, Map.of(), "--config", "x.yml", "--frobnicate");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.report().get("message").asText()).isEqualTo("unknown argument: --frobnicate");
    assertThat(run.log()).contains("Usage: java -jar gc-runner.jar");
  }

  @Test
  void missingRegistryBinaryExits2() throws Exception {
    Path config = writeFilesystemConfig(dir.resolve("storage"));

    Run run = RunnerHarness.run(dir, Map.of("PATH", dir.toString()), "--config", config.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.report().get("message").asText()).contains("`registry` not found on PATH");
    Run viaEnv =
        RunnerHarness.run(
            dir,
            Map.of("REGISTRY_BINARY", dir.resolve("missing").toString()),
            "--config",
            config.toString());
    assertThat(viaEnv.report().get("message").asText()).contains("registry binary not found");
  }

  @Test
  void aConfigTheRegistryRejectsExits2() throws Exception {
    Path registry =
        RunnerHarness.script(
            dir,
            "registry",
            """
                if [ "$1" = "--version" ]; then echo "%s"; exit 0; fi
                printf 'configuration error: error parsing %%s: yaml: unmarshal errors' "$2" >&2
                exit 1
                """
                .formatted(VERSION_2));

    Run run = RunnerHarness.runWith(registry, writeFilesystemConfig(dir.resolve("s")), dir);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.report().get("message").asText()).contains("the registry rejected its config");
  }

  @Test
  void failingRealGarbageCollectExits3() throws Exception {
    Path output = dir.resolve("dry-run.txt");
    Files.writeString(output, GcOutputParserTest.resource("2.8.2-dry-run.txt"));
    Path registry =
        RunnerHarness.script(
            dir,
            "registry",
            """
                if [ "$1" = "--version" ]; then echo "%s"; exit 0; fi
                # What it marked and found eligible, then a failure while deleting.
                cat "%s"
                echo 'time="2024-01-01T00:00:00Z" level=info msg="Deleting blob: /docker/registry/v2/blobs/x"' >&2
                printf 'failed to garbage collect: failed to delete blob sha256:95ba: boom' >&2
                exit 1
                """
                .formatted(VERSION_2, output));

    Run run = RunnerHarness.runWith(registry, writeFilesystemConfig(dir.resolve("s")), dir);

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.result()).isEqualTo("GarbageCollectFailed");
    assertThat(run.report().get("message").asText())
        .contains("garbage-collect failed (exit 1)", "failed to delete blob sha256:95ba: boom")
        .doesNotContain("level=info");
    assertThat(run.number("blobsEligible")).isEqualTo(3);
  }

  @Test
  void failingMarkPhaseExits3() throws Exception {
    Path registry =
        RunnerHarness.script(
            dir,
            "registry",
            """
                if [ "$1" = "--version" ]; then echo "%s"; exit 0; fi
                printf 'failed to garbage collect: failed to mark: something broke' >&2
                exit 1
                """
                .formatted(VERSION_2));
    Path config = writeFilesystemConfig(dir.resolve("s"));

    Run dryRun = RunnerHarness.runWith(registry, config, dir, "--dry-run");
    Run real = RunnerHarness.runWith(registry, config, dir);

    assertThat(dryRun.exitCode()).isEqualTo(3);
    assertThat(dryRun.report().get("message").asText())
        .contains("garbage-collect --dry-run failed (exit 1)", "something broke");
    assertThat(real.exitCode()).isEqualTo(3);
    assertThat(real.report().get("message").asText())
        .contains("garbage-collect failed (exit 1)", "something broke", "deleted 0 blobs");
  }

  @Test
  void unusableStorageMakesTheRealRegistryFailWithExit3() throws Exception {
    Path notADirectory = dir.resolve("a-file");
    Files.writeString(notADirectory, "not a storage");

    Run run =
        RunnerHarness.runWith(RegistryProcess.binary(), writeFilesystemConfig(notADirectory), dir);

    assertThat(run.exitCode()).as(run.log()).isEqualTo(3);
    assertThat(run.report().get("message").asText()).contains("not a directory");
  }

  @Test
  void unparsableOutputExits3() throws Exception {
    Path registry =
        RunnerHarness.script(
            dir,
            "registry",
            """
                if [ "$1" = "--version" ]; then echo "%s"; exit 0; fi
                echo "all done, trust me"
                """
                .formatted(VERSION_2));

    Run run = RunnerHarness.runWith(registry, writeFilesystemConfig(dir.resolve("s")), dir);

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.report().get("message").asText()).contains("printed no summary line");
  }

  /**
   * A registry claiming to be 3.0.0 is trusted with --delete-untagged, so the safety check lets
   * 2.8.2 run: it deletes the children of the tagged index, and the integrity check catches it
   * (invariant I6).
   */
  @Test
  void lostChildrenOfATaggedIndexFailTheIntegrityCheckWithExit5() throws Exception {
    Path pretending3 =
        RunnerHarness.script(
            dir,
            "registry",
            """
                if [ "$1" = "--version" ]; then echo "%s"; exit 0; fi
                exec "%s" "$@"
                """
                .formatted(VERSION_3, RegistryProcess.binary()));
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      PushedImage index =
          new ImagePusher(registry.client())
              .pushMultiPlatform("multi", "latest", Format.Oci, 2, 4096);
      registry.stop();

      Run run = RunnerHarness.runWith(pretending3, registry.configFile(), dir, "--delete-untagged");

      assertThat(run.exitCode()).as(run.log()).isEqualTo(5);
      assertThat(run.result()).isEqualTo("IntegrityCheckFailed");
      assertThat(run.report().get("registryVersion").asText()).isEqualTo("3.0.0");
      assertThat(run.integrity().get("checked").asBoolean()).isTrue();
      // 2 children (revision links) and their 2 configs and 2 layers.
      assertThat(run.integrity().get("missing").asLong()).isEqualTo(6);
      assertThat(run.integrity().get("missingDigests").toString())
          .contains(
              "multi@" + index.children().get(0).digest(),
              "multi@" + index.children().get(1).digest());
      assertThat(run.report().get("message").asText())
          .contains("integrity check failed", "6 referenced");
    }
  }

  @Test
  void aReferencedBlobThatVanishesDuringTheRunFailsTheIntegrityCheck() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      PushedImage image =
          new ImagePusher(registry.client()).pushImage("app", "v1", Format.Docker, 4096);
      registry.stop();
      String hex = image.layers().get(0).digest().substring("sha256:".length());
      Path layerDir =
          registry
              .storage()
              .resolve("docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex);
      Path sabotaging =
          RunnerHarness.script(
              dir,
              "registry",
              """
                    case " $* " in *" --dry-run "*) ;; *" garbage-collect "*) rm -rf "%s";; esac
                    exec "%s" "$@"
                    """
                  .formatted(layerDir, RegistryProcess.binary()));

      Run run = RunnerHarness.runWith(sabotaging, registry.configFile(), dir);

      assertThat(run.exitCode()).as(run.log()).isEqualTo(5);
      assertThat(run.integrity().get("missing").asLong()).isEqualTo(1);
      assertThat(run.integrity().get("missingDigests").get(0).asText())
          .isEqualTo("app@" + image.layers().get(0).digest());
      assertThat(run.number("blobsDeleted")).isZero();
    }
  }

  /**
   * A scripted registry on a real (empty) S3 bucket: the counts come from its output, the bytes and
   * blobs deleted from what left the bucket (nothing here), and no key reaches report or log.
   */
  @Test
  void s3StorageReportsWhatLeftTheBucketAndNoSecrets() throws Exception {
    try (S3Server s3 = S3Server.start()) {
      s3.createBucket("registry");
      Path output = dir.resolve("dry-run.txt");
      Files.writeString(output, GcOutputParserTest.resource("2.8.2-dry-run.txt"));
      Path registry =
          RunnerHarness.script(
              dir,
              "registry",
              """
                  if [ "$1" = "--version" ]; then echo "%s"; exit 0; fi
                  cat "%s"
                  echo 'time="2024-01-01T00:00:00Z" level=info msg="using key %s"' >&2
                  """
                  .formatted(VERSION_3, output, s3.accessKey()));
      Path config = dir.resolve("config.yml");
      Files.writeString(config, RegistryS3Config.yaml(s3, "registry", 0));

      Run run = RunnerHarness.runWith(registry, config, dir);

      assertThat(run.exitCode()).as(run.log()).isZero();
      assertThat(run.report().get("storageDriver").asText()).isEqualTo("s3");
      assertThat(run.report().get("bytesMeasured").asBoolean()).isTrue();
      assertThat(run.number("blobsMarked")).isEqualTo(27);
      assertThat(run.number("blobsEligible")).isEqualTo(3);
      assertThat(run.number("blobsDeleted")).as("nothing left the bucket").isZero();
      assertThat(run.number("reclaimedBytes")).isZero();
      assertThat(run.integrity().get("checked").asBoolean())
          .as("an empty bucket, checked")
          .isTrue();
      assertThat(run.report().get("message").asText()).contains("integrity verified");
      assertThat(run.reportJson() + run.log()).doesNotContain(s3.accessKey(), s3.secretKey());
    }
  }

  @Test
  void secretsInARegistryErrorAreRedacted() throws Exception {
    Path registry =
        RunnerHarness.script(
            dir,
            "registry",
            """
                if [ "$1" = "--version" ]; then echo "%s"; exit 0; fi
                printf 'failed to garbage collect: s3aws: AccessDenied for key AKIAIOSFODNN7EXAMPLE' >&2
                exit 1
                """
                .formatted(VERSION_3));
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        "storage:\n  s3:\n    accesskey: AKIAIOSFODNN7EXAMPLE\n    secretkey: s3cr3t-value\n");

    Run run = RunnerHarness.runWith(registry, config, dir);

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.report().get("message").asText()).contains("AccessDenied for key ***");
    assertThat(run.reportJson() + run.log()).doesNotContain("AKIAIOSFODNN7EXAMPLE");
  }

  /**
   * On storage the runner does not read (gcs, azure), the safety check for --delete-untagged on a
   * registry before 3.0 uses a preflight dry run's output: what each marked manifest marked.
   */
  @Test
  void storageTheRunnerCannotReadUsesTheDryRunsOutputToFindAtRiskChildren() throws Exception {
    Path output = dir.resolve("dry-run.txt");
    Files.writeString(output, GcOutputParserTest.resource("2.8.2-dry-run-delete-untagged.txt"));
    Path registry =
        RunnerHarness.script(
            dir,
            "registry",
            """
                if [ "$1" = "--version" ]; then echo "%s"; exit 0; fi
                case " $* " in *" --dry-run "*) cat "%s"; exit 0;; esac
                echo "must not run" >&2; exit 99
                """
                .formatted(VERSION_2, output));
    Path config = dir.resolve("config.yml");
    Files.writeString(config, "storage:\n  gcs:\n    bucket: registry\n");

    Run run = RunnerHarness.runWith(registry, config, dir, "--delete-untagged");

    assertThat(run.exitCode()).as(run.log()).isEqualTo(4);
    assertThat(run.report().get("message").asText())
        .contains("dl@sha256:c388e8b5", "multi@sha256:39ed8245", "4 child manifest(s)");
    assertThat(run.log()).contains("referrer check: gcs storage is not read by the runner");
  }

  @Test
  void reportIsCompactJsonUnder4KiB() throws Exception {
    Run run = RunnerHarness.runWith(RegistryProcess.binary(), dir.resolve("nope.yml"), dir);

    assertThat(run.reportJson()).doesNotContain("\n").startsWith("{\"version\":2,");
    assertThat(run.reportJson().getBytes(StandardCharsets.UTF_8).length).isLessThan(4096);
    assertThat(StorageSnapshot.of(dir).blobSizes()).isEmpty();
  }

  @Test
  void aConfigTheRealRegistryRejectsIsAConfigErrorWithItsFirstLineNotTheUsageText()
      throws Exception {
    // The registry prints "configuration error: ..." and its detail, then its usage text, on
    // stderr.
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: "
            + dir.resolve("s")
            + "\nhttp:\n  addr: [1, 2]\n");

    Run run = RunnerHarness.runWith(RegistryProcess.binary(), config, dir);

    assertThat(run.exitCode()).as(run.log()).isEqualTo(2);
    assertThat(run.result()).isEqualTo("ConfigurationError");
    assertThat(run.report().get("message").asText())
        .startsWith(
            "the registry rejected its config: configuration error: error parsing " + config)
        .contains("cannot unmarshal !!seq into string")
        .doesNotContain("Usage", "--help", "Flags");
  }

  @Test
  void anyThrowableStillWritesTheReport() throws Exception {
    Path config = writeFilesystemConfig(dir.resolve("s"));
    Path report = dir.resolve("report.json");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    // An Error (not an Exception) thrown in the middle of a run: the first log line of the run
    // throws it.
    java.io.PrintStream failing =
        new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8) {
          private boolean thrown;

          @Override
          public void println(String line) {
            if (!thrown && line.contains("config " + config)) {
              thrown = true;
              throw new StackOverflowError("injected");
            }
            super.println(line);
          }
        };

    int exitCode =
        new GcRunner(failing, Map.of())
            .run(
                new String[] {
                  "--config",
                  config.toString(),
                  "--registry-binary",
                  RegistryProcess.binary().toString(),
                  "--report",
                  report.toString()
                });

    assertThat(exitCode).isEqualTo(3);
    String json = Files.readString(report);
    assertThat(json)
        .contains("\"result\":\"GarbageCollectFailed\"")
        .contains("StackOverflowError")
        .contains("injected");
  }

  @Test
  @org.junit.jupiter.api.Timeout(
      value = 60,
      threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aHungRegistryVersionFailsTheRunWithAClearReport() throws Exception {
    Path output = dir.resolve("dry-run.txt");
    Files.writeString(output, GcOutputParserTest.resource("2.8.2-dry-run.txt"));
    Path registry =
        RunnerHarness.script(
            dir,
            "registry",
            """
                if [ "$1" = "--version" ]; then exec sleep 600; fi
                cat "%s"
                """
                .formatted(output));

    long started = System.nanoTime();
    Run run =
        RunnerHarness.runWith(
            registry,
            writeFilesystemConfig(dir.resolve("s")),
            dir,
            java.time.Duration.ofSeconds(1));

    assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
        .isLessThan(java.time.Duration.ofSeconds(20));
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.result()).isEqualTo("GarbageCollectFailed");
    assertThat(run.report().get("message").asText())
        .isEqualTo(
            "`"
                + registry
                + " --version` did not answer within 1 s: the registry binary seems hung;"
                + " nothing was collected");
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive))
        .as("the hung process is stopped")
        .isEmpty();
  }

  @Test
  void theVersionTimeoutIsThirtySeconds() {
    assertThat(RegistryBinary.VERSION_TIMEOUT).isEqualTo(java.time.Duration.ofSeconds(30));
  }

  private Path writeFilesystemConfig(Path storage) throws Exception {
    Path config = dir.resolve("config-" + storage.getFileName() + ".yml");
    Files.writeString(
        config, "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " + storage + "\n");
    return config;
  }
}
