package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.registryoperator.gcreport.retention.Protection;
import dev.registryoperator.gcreport.retention.RetentionRequest;
import dev.registryoperator.gcreport.retention.RetentionRule;
import dev.registryoperator.gcrunner.RunnerHarness.Run;
import dev.registryoperator.gcrunner.testkit.ImagePusher;
import dev.registryoperator.gcrunner.testkit.ImagePusher.Format;
import dev.registryoperator.gcrunner.testkit.ImageVerifier;
import dev.registryoperator.gcrunner.testkit.MediaTypes;
import dev.registryoperator.gcrunner.testkit.PushedImage;
import dev.registryoperator.gcrunner.testkit.RegistryClient;
import dev.registryoperator.gcrunner.testkit.RegistryProcess;
import dev.registryoperator.gcrunner.testkit.StorageSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --retention} against the real registry on a filesystem: images pushed as a user pushes
 * them, tag push times set on the tags' links, one rule ({@code v[0-9]+} tags, keep the 2 newest of
 * each repository), a protected tag.
 */
class RetentionRegistryTest {
  private static final Instant NOW = Instant.parse("2026-11-26T00:00:00Z");

  @TempDir Path dir;

  /**
   * app (push times in days before NOW): v0 10 (OCI, a Pod runs it), v1 9 (Docker, also tagged
   * stable), v2 8 (OCI, a layer shared with v4, an untagged signature), v3 7 (Docker), v4 6 (OCI,
   * an untagged signature); multi: v1 9 (OCI index of 2), v2 8 (Docker list of 2), v3 7 (OCI index
   * of 2).
   *
   * <p>The plan: app:v3, v4, multi:v2, v3 are the newest; app:v0 stays for its Pod; app:v1 is
   * untagged only (stable keeps its image); app:v2 goes with its signature, multi:v1 with its
   * children: 3 tags and 5 manifests.
   */
  private record Content(
      PushedImage v0,
      PushedImage v1,
      PushedImage v2,
      PushedImage v3,
      PushedImage v4,
      PushedImage signatureOfV2,
      PushedImage signatureOfV4,
      PushedImage multiV1,
      PushedImage multiV2,
      PushedImage multiV3) {

    static Content push(RegistryClient client, Path storage) throws IOException {
      ImagePusher pusher = new ImagePusher(client, 51);
      byte[] shared = pusher.randomLayer(12_000);
      PushedImage v0 = pusher.pushImage("app", "v0", Format.Oci, 3_000);
      PushedImage v1 = pusher.pushImage("app", "v1", Format.Docker, 4_000);
      pusher.tag("app", "stable", v1);
      PushedImage v2 = pusher.pushImage("app", "v2", Format.Oci, shared, pusher.randomLayer(5_000));
      PushedImage v3 = pusher.pushImage("app", "v3", Format.Docker, 6_000);
      PushedImage v4 = pusher.pushImage("app", "v4", Format.Oci, shared, pusher.randomLayer(7_000));
      PushedImage signatureOfV2 = pusher.pushReferrer("app", null, MediaTypes.SIGNATURE, v2);
      PushedImage signatureOfV4 = pusher.pushReferrer("app", null, MediaTypes.SIGNATURE, v4);
      PushedImage multiV1 = pusher.pushMultiPlatform("multi", "v1", Format.Oci, 2, 2_000);
      PushedImage multiV2 = pusher.pushMultiPlatform("multi", "v2", Format.Docker, 2, 2_500);
      PushedImage multiV3 = pusher.pushMultiPlatform("multi", "v3", Format.Oci, 2, 3_500);
      pushed(storage, "app", "v0", 10);
      pushed(storage, "app", "v1", 9);
      pushed(storage, "app", "stable", 9);
      pushed(storage, "app", "v2", 8);
      pushed(storage, "app", "v3", 7);
      pushed(storage, "app", "v4", 6);
      pushed(storage, "multi", "v1", 9);
      pushed(storage, "multi", "v2", 8);
      pushed(storage, "multi", "v3", 7);
      return new Content(
          v0, v1, v2, v3, v4, signatureOfV2, signatureOfV4, multiV1, multiV2, multiV3);
    }

    /** Every image that stays, each pulled by its tag (the signature by digest). */
    List<PushedImage> kept() {
      return List.of(v0, v1, v3, v4, signatureOfV4, multiV2, multiV3);
    }

    /** The blobs retention frees: those of the deleted images that no kept image uses. */
    Set<String> freed() {
      Set<String> freed = new HashSet<>();
      for (PushedImage image : List.of(v2, signatureOfV2, multiV1)) {
        freed.addAll(image.blobDigests());
      }
      kept().forEach(image -> freed.removeAll(image.blobDigests()));
      return freed;
    }
  }

  /** Sets when a tag was pushed: the modification time of its current link. */
  private static void pushed(Path storage, String repository, String tag, int daysBeforeNow)
      throws IOException {
    Files.setLastModifiedTime(
        storage.resolve(
            "docker/registry/v2/repositories/"
                + repository
                + "/_manifests/tags/"
                + tag
                + "/current/link"),
        FileTime.from(NOW.minus(Duration.ofDays(daysBeforeNow))));
  }

  private Path request(RetentionRule... rules) throws IOException {
    RetentionRequest request =
        new RetentionRequest(
            NOW,
            List.of(rules),
            new Protection(Map.of("app:v0", List.of("Pod default/web-0"))),
            true);
    return Files.writeString(dir.resolve("retention.json"), request.toJson());
  }

  /** {@code v[0-9]+} tags: each repository keeps its 2 newest. */
  private Path twoNewestReleases() throws IOException {
    return request(new RetentionRule(null, null, "v[0-9]+", null, 2, null));
  }

  /** A run of the real binary with {@code --retention request} and {@code options}. */
  private Run retain(RegistryProcess registry, Path request, String... options) throws IOException {
    List<String> args = new ArrayList<>(List.of("--retention", request.toString()));
    args.addAll(List.of(options));
    return RunnerHarness.runWith(
        RegistryProcess.binary(), registry.configFile(), dir, args.toArray(String[]::new));
  }

  /** A wrapper around the real binary that writes each command line it is given to a file. */
  private Path recording(Path calls) throws IOException {
    return RunnerHarness.script(
        dir,
        "registry",
        """
        echo "$*" >> "%s"
        exec "%s" "$@"
        """
            .formatted(calls, RegistryProcess.binary()));
  }

  @Test
  void aRealRunDeletesThePlanAndGarbageCollectFreesExactlyItsBytes() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      Content content = Content.push(registry.client(), registry.storage());
      registry.stop();
      Path request = twoNewestReleases();
      StorageSnapshot before = StorageSnapshot.of(registry.storage());

      Run run = retain(registry, request);
      StorageSnapshot after = StorageSnapshot.of(registry.storage());

      assertThat(run.exitCode()).as(run.log()).isZero();
      assertThat(after.goneSince(before).keySet())
          .containsExactlyInAnyOrderElementsOf(content.freed())
          .doesNotContain(content.v4().layers().get(0).digest()); // shared with v2
      long gone = after.bytesGoneSince(before);
      assertThat(run.number("reclaimedBytes")).isEqualTo(gone).isPositive();
      assertThat(run.number("retentionBytes")).isEqualTo(gone);
      assertThat(run.number("tagsDeleted")).isEqualTo(3);
      assertThat(run.number("retentionManifestsDeleted")).isEqualTo(5);
      assertThat(run.number("tagsProtected")).isEqualTo(1);
      assertThat(run.integrity().get("missing").asLong()).isZero();
      assertThat(run.report().get("message").asText())
          .startsWith("3 tags and 5 manifests to delete (")
          .contains(
              "; 1 tag protected by workloads; retention applied; deleted ", "integrity verified");
      assertThat(run.log())
          .contains(
              "retention: delete tag app:v1 (" + content.v1().digest(),
              "; untagged only, its manifest stays",
              "retention: keep tag app:v0 ("
                  + content.v0().digest()
                  + "), used by Pod default/web-0",
              "retention: delete tag multi:v1 ("
                  + content.multiV1().digest()
                  + ", pushed 2026-11-17",
              "retention: delete manifest app@" + content.v2().digest() + " (tags v2)",
              "retention: delete manifest app@" + content.signatureOfV2().digest() + ": refers to",
              "retention: delete manifest multi@" + content.multiV1().children().get(0).digest(),
              "retention: keep manifest app@" + content.v1().digest() + " (untag v1)",
              "retention: deleted 3 tags and 5 manifests")
          .doesNotContain("retention: delete tag app:v3", "retention: delete tag multi:v2");
      Path app = registry.storage().resolve("docker/registry/v2/repositories/app/_manifests");
      assertThat(app.resolve("tags/v1")).doesNotExist();
      assertThat(app.resolve("tags/v2")).doesNotExist();
      assertThat(app.resolve("revisions/sha256/" + content.v2().digest().substring(7)))
          .doesNotExist();
      assertThat(app.resolve("revisions/sha256/" + content.v1().digest().substring(7)))
          .isDirectory();

      registry.start();
      RegistryClient client = registry.client();
      assertThat(client.tags("app")).containsExactlyInAnyOrder("stable", "v0", "v3", "v4");
      assertThat(client.tags("multi")).containsExactlyInAnyOrder("v2", "v3");
      for (String gone404 :
          List.of("v1", "v2", content.v2().digest(), content.signatureOfV2().digest())) {
        assertThat(client.getManifest("app", gone404).status()).as(gone404).isEqualTo(404);
      }
      assertThat(client.getManifest("multi", "v1").status()).isEqualTo(404);
      for (PushedImage child : content.multiV1().children()) {
        assertThat(client.getManifest("multi", child.digest()).status()).isEqualTo(404);
      }
      ImageVerifier verifier = new ImageVerifier(client);
      for (PushedImage image : content.kept()) {
        if (image == content.v1()) { // its tag went, stable keeps it
          assertThat(verifier.pull("app", "stable", image.digest()))
              .containsAll(image.blobDigests());
        } else {
          assertThat(verifier.pull(image)).containsAll(image.blobDigests());
        }
      }
    }
  }

  @Test
  void aDryRunAndRetentionOnlyReportThePlanAndDeleteNothing() throws Exception {
    Path calls = dir.resolve("calls.txt");
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      Content content = Content.push(registry.client(), registry.storage());
      registry.stop();
      Path request = twoNewestReleases();
      Map<String, Long> tree = RunnerHarness.tree(registry.storage());
      long freedBytes =
          StorageSnapshot.of(registry.storage()).blobSizes().entrySet().stream()
              .filter(blob -> content.freed().contains(blob.getKey()))
              .mapToLong(Map.Entry::getValue)
              .sum();

      Run dryRun =
          RunnerHarness.runWith(
              recording(calls),
              registry.configFile(),
              dir,
              "--dry-run",
              "--retention",
              request.toString());
      assertThat(Files.readAllLines(calls))
          .contains("garbage-collect " + registry.configFile() + " --dry-run");
      Files.delete(calls);
      Run retentionOnly =
          RunnerHarness.runWith(
              recording(calls),
              registry.configFile(),
              dir,
              "--retention-only",
              "--dry-run",
              "--retention",
              request.toString());

      assertThat(Files.readAllLines(calls)).as("no garbage-collect").containsExactly("--version");
      assertThat(RunnerHarness.tree(registry.storage())).isEqualTo(tree);
      for (Run run : List.of(dryRun, retentionOnly)) {
        assertThat(run.exitCode()).as(run.log()).isZero();
        assertThat(run.number("tagsDeleted")).isEqualTo(3);
        assertThat(run.number("retentionManifestsDeleted")).isEqualTo(5);
        assertThat(run.number("retentionBytes")).isEqualTo(freedBytes);
        assertThat(run.number("tagsProtected")).isEqualTo(1);
        assertThat(run.number("reclaimedBytes")).isZero();
        assertThat(run.report().get("dryRun").asBoolean()).isTrue();
        assertThat(run.report().get("message").asText())
            .startsWith("3 tags and 5 manifests to delete (")
            .doesNotContain("retention applied");
        assertThat(run.log())
            .contains(
                "retention: keep tag app:v0",
                // why the others stay
                "retention: keep tag app:v4 (" + content.v4().digest() + "): KeptByLatest (rule 0)",
                "retention: delete manifest app@" + content.signatureOfV2().digest(),
                "retention: dry run, nothing deleted");
      }
      assertThat(dryRun.report().get("message").asText())
          .endsWith("besides what retention frees; nothing was deleted");
      assertThat(retentionOnly.report().get("message").asText())
          .endsWith("; retention only: nothing was deleted, garbage-collect not run");
      assertThat(retentionOnly.log()).doesNotContain("garbage-collect --dry-run:");
    }
  }

  /**
   * A tag folder that cannot be deleted (an immutable link, {@code chattr +i}): the run fails
   * naming what it deleted before, and runs no garbage-collect, so no blob of the half-deleted plan
   * goes.
   */
  @Test
  void aFailureWhileDeletingFailsTheRunSaysWhatWasDeletedAndRunsNoGarbageCollect()
      throws Exception {
    Path calls = dir.resolve("calls.txt");
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      ImagePusher pusher = new ImagePusher(registry.client(), 52);
      PushedImage v1 = pusher.pushImage("app", "v1", Format.Oci, 2_000);
      PushedImage v2 = pusher.pushImage("app", "v2", Format.Oci, 2_000);
      PushedImage v3 = pusher.pushImage("app", "v3", Format.Oci, 2_000);
      registry.stop();
      pushed(registry.storage(), "app", "v1", 3);
      pushed(registry.storage(), "app", "v2", 2);
      pushed(registry.storage(), "app", "v3", 1);
      Path stuck =
          registry
              .storage()
              .resolve("docker/registry/v2/repositories/app/_manifests/tags/v2/current/link");
      assumeTrue(chattr("+i", stuck), "chattr +i is not available here");
      try {
        StorageSnapshot before = StorageSnapshot.of(registry.storage());

        Run run =
            RunnerHarness.runWith(
                recording(calls),
                registry.configFile(),
                dir,
                "--retention",
                request(new RetentionRule(null, null, null, null, 1, null)).toString());

        assertThat(run.exitCode()).as(run.log()).isEqualTo(3);
        assertThat(run.result()).isEqualTo("GarbageCollectFailed");
        assertThat(run.report().get("message").asText())
            .startsWith("2 tags and 2 manifests to delete (")
            .contains(
                "; retention failed after deleting 1 of 2 tags and 0 of 2 manifests",
                "cannot delete app:v2",
                "garbage-collect was not run");
        assertThat(run.log()).contains("deleted before: tags app:v1; manifests none");
        assertThat(run.number("tagsDeleted")).isEqualTo(1);
        assertThat(run.number("retentionManifestsDeleted")).isZero();
        assertThat(run.number("retentionBytes")).isZero();
        assertThat(Files.readAllLines(calls)).containsExactly("--version");
        assertThat(StorageSnapshot.of(registry.storage())).isEqualTo(before);
      } finally {
        chattr("-i", stuck);
      }
      registry.start();
      RegistryClient client = registry.client();
      assertThat(client.tags("app")).containsExactlyInAnyOrder("v2", "v3");
      ImageVerifier verifier = new ImageVerifier(client);
      verifier.pull(v2);
      verifier.pull(v3);
      verifier.pull("app", v1.digest(), v1.digest()); // untagged, not deleted
    }
  }

  /**
   * Retention that untags a cosign-style signature tag ({@code sha256-<hex>.sig}) leaves the
   * signature untagged while its image stays; --delete-untagged would then delete it. The safety
   * check reads the storage after retention, so it sees the untagged signature and refuses.
   */
  @Test
  void deleteUntaggedIsCheckedAgainstTheStorageAsRetentionLeftIt() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      ImagePusher pusher = new ImagePusher(registry.client(), 53);
      PushedImage image = pusher.pushImage("app", "v1", Format.Oci, 3_000);
      String signatureTag = "sha256-" + image.digest().substring(7) + ".sig";
      PushedImage signature = pusher.pushReferrer("app", signatureTag, MediaTypes.SIGNATURE, image);
      registry.stop();
      Path request = request(new RetentionRule(null, null, "sha256-.*", null, 0, null));

      Run run = retain(registry, request, "--delete-untagged");

      assertThat(run.exitCode()).as(run.log()).isEqualTo(4);
      assertThat(run.report().get("message").asText())
          .startsWith("1 tag and 0 manifests to delete (0 B); retention applied; refused")
          .contains("app@" + signature.digest());
      assertThat(run.number("tagsDeleted")).isEqualTo(1);
      assertThat(run.log())
          .contains(
              "retention: keep manifest app@" + signature.digest() + " (untag " + signatureTag);
      registry.start();
      assertThat(registry.client().tags("app")).containsExactly("v1");
      ImageVerifier verifier = new ImageVerifier(registry.client());
      verifier.pull(image);
      verifier.pull("app", signature.digest(), signature.digest());
    }
  }

  private static boolean chattr(String flag, Path file) throws InterruptedException {
    try {
      Process chattr =
          new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
      chattr.getInputStream().readAllBytes();
      return chattr.waitFor() == 0;
    } catch (IOException e) {
      return false; // no chattr
    }
  }

  @Test
  void aRequestThatIsNotValidIsAUsageErrorNamingTheField() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("config.yml"), RegistryProcess.config(dir.resolve("storage"), 5000));
    Path badRules = request(new RetentionRule(null, null, "v(", null, -1, null));
    Path notJson = Files.writeString(dir.resolve("not.json"), "rules: [keepLatest: 1]");

    Run rules =
        RunnerHarness.runWith(
            RegistryProcess.binary(), config, dir, "--retention", badRules.toString());
    Run json =
        RunnerHarness.runWith(
            RegistryProcess.binary(), config, dir, "--retention", notJson.toString());
    Run missing =
        RunnerHarness.runWith(
            RegistryProcess.binary(),
            config,
            dir,
            "--retention",
            dir.resolve("none.json").toString());

    for (Run run : List.of(rules, json, missing)) {
      assertThat(run.exitCode()).as(run.log()).isEqualTo(2);
      assertThat(run.result()).isEqualTo("ConfigurationError");
    }
    assertThat(rules.report().get("message").asText())
        .contains(
            "invalid retention rules in " + badRules,
            "spec.retention[0].tagPattern: invalid regular expression",
            "spec.retention[0].keepLatest: must be 0 or more, got -1");
    assertThat(json.report().get("message").asText())
        .contains("invalid retention request " + notJson);
    assertThat(missing.report().get("message").asText())
        .contains("cannot read the retention request");

    // storage the runner does not read: retention cannot decide
    Path gcs =
        Files.writeString(dir.resolve("gcs.yml"), "storage:\n  gcs:\n    bucket: registry\n");
    Run unread =
        RunnerHarness.runWith(
            RegistryProcess.binary(), gcs, dir, "--retention", twoNewestReleases().toString());
    assertThat(unread.exitCode()).as(unread.log()).isEqualTo(2);
    assertThat(unread.report().get("message").asText())
        .contains("--retention reads the storage", "not on gcs");
  }
}
