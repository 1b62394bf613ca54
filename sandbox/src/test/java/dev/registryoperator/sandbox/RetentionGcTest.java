package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gc.GcRunRecord;
import dev.registryoperator.gc.GcRunResult;
import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.gcreport.retention.RetentionRule;
import dev.registryoperator.gcrunner.testkit.ImagePusher;
import dev.registryoperator.gcrunner.testkit.ImageVerifier;
import dev.registryoperator.gcrunner.testkit.PushedImage;
import dev.registryoperator.gcrunner.testkit.RegistryClient;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Retention end to end, as a user would try it: 30 tags pushed over three repositories, a workload
 * (scaled to zero) that still needs an old tag, a GcSchedule keeping the 3 newest tags and release
 * tags; first a dry run (which tags would go, nothing deleted), then the real run: exactly the
 * expected tags are gone, the protected one stays, every kept image pulls with verified digests,
 * and the bytes in status are the bytes that left the disk.
 */
class RetentionGcTest {
  private static final List<RetentionRule> RULES =
      List.of(new RetentionRule(null, null, null, "v[0-9]+\\.[0-9]+\\.[0-9]+", 3, null));

  @Test
  void aDryRunShowsThePlanThenTheRunDeletesExactlyItAndKeepsWhatAWorkloadUses() throws Exception {
    try (GcScenario s =
        GcScenario.start("retention")
            .registryAndSchedule(
                spec -> {
                  spec.setDryRun(true);
                  spec.setRetention(RULES);
                })) {
      RegistryClient client = new RegistryClient(URI.create(s.url));
      ImagePusher pusher = new ImagePusher(client, 51);
      byte[] base = pusher.randomLayer(16 * 1024);
      Map<String, List<String>> pushed = new LinkedHashMap<>();
      pushed.put("team/app", new ArrayList<>(List.of("v1.0.0", "v1.1.0")));
      for (int i = 1; i <= 10; i++) {
        pushed.get("team/app").add("build-" + i);
      }
      pushed.put("team/web", new ArrayList<>());
      for (int i = 1; i <= 10; i++) {
        pushed.get("team/web").add("build-" + i);
      }
      pushed.put("tools/cli", new ArrayList<>());
      for (int i = 1; i <= 8; i++) {
        pushed.get("tools/cli").add("pr-" + i);
      }
      Map<String, PushedImage> images = new LinkedHashMap<>();
      Instant first = Instant.parse("2026-11-01T00:00:00Z");
      int order = 0;
      for (var repository : pushed.entrySet()) {
        for (String tag : repository.getValue()) {
          PushedImage image =
              pusher.pushImage(
                  repository.getKey(),
                  tag,
                  order % 2 == 0 ? ImagePusher.Format.Oci : ImagePusher.Format.Docker,
                  pusher.randomLayer(4 * 1024),
                  base);
          images.put(repository.getKey() + ":" + tag, image);
          // the push time the registry recorded: one hour apart, in push order
          Files.setLastModifiedTime(
              tagLink(s.storage(), repository.getKey(), tag),
              FileTime.from(first.plusSeconds(3600L * order++)));
        }
      }
      assertThat(images).hasSize(30);
      // a workload scaled to zero that still runs an old build of team/web
      String endpoint = s.user.registry(GcScenario.REGISTRY).getStatus().getEndpoint();
      s.sandbox
          .client()
          .resource(
              new DeploymentBuilder()
                  .withNewMetadata()
                  .withName("web")
                  .withNamespace(Sandbox.NAMESPACE)
                  .endMetadata()
                  .withNewSpec()
                  .withReplicas(0)
                  .withNewSelector()
                  .addToMatchLabels("app", "web")
                  .endSelector()
                  .withNewTemplate()
                  .withNewMetadata()
                  .addToLabels("app", "web")
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("web")
                  .withImage(endpoint + "/team/web:build-2")
                  .endContainer()
                  .endSpec()
                  .endTemplate()
                  .endSpec()
                  .build())
          .create();
      Map<String, List<String>> kept =
          Map.of(
              "team/app", List.of("build-10", "build-8", "build-9", "v1.0.0", "v1.1.0"),
              "team/web", List.of("build-10", "build-2", "build-8", "build-9"),
              "tools/cli", List.of("pr-6", "pr-7", "pr-8"));
      Map<String, Long> before = GcScenario.files(s.storage());

      // the dry run: the plan in status, nothing deleted, no window
      s.requestRun();
      GcRunRecord plan = s.awaitRun(1);
      assertThat(plan.getResult())
          .as(plan.getReason() + ": " + plan.getMessage())
          .isEqualTo(GcRunResult.Succeeded);
      assertThat(plan.getReason()).isEqualTo("DryRunCompleted");
      assertThat(plan.getTagsDeleted()).isEqualTo(18);
      assertThat(plan.getTagsProtected()).isEqualTo(1);
      assertThat(plan.getMessage())
          .startsWith("dry run, nothing deleted: 18 tags and 18 manifests to delete")
          .contains("1 tag protected by workloads");
      assertThat(plan.getWriteUnavailableSeconds()).isZero();
      assertThat(GcScenario.files(s.storage())).isEqualTo(before);

      // the real run
      s.sandbox
          .client()
          .resources(GcSchedule.class)
          .inNamespace(Sandbox.NAMESPACE)
          .withName(GcScenario.SCHEDULE)
          .edit(
              g -> {
                g.getSpec().setDryRun(false);
                return g;
              });
      s.requestRun();
      GcRunRecord run = s.awaitRun(2);
      assertThat(run.getResult()).as(run.getMessage()).isEqualTo(GcRunResult.Succeeded);
      assertThat(run.getReason()).isEqualTo("Collected");
      assertThat(run.getTagsDeleted()).isEqualTo(18);
      assertThat(run.getRetentionManifestsDeleted()).isEqualTo(18);
      assertThat(run.getTagsProtected()).isEqualTo(1);
      assertThat(run.getMessage()).startsWith("retention deleted 18 tags and 18 manifests");

      GcObserver.Observed gc = s.observer.lastCollection().orElseThrow();
      assertThat(gc.job().command()).contains("--retention").doesNotContain("--dry-run");
      assertThat(gc.bytesFreed()).isPositive();
      assertThat(run.getReclaimedBytes()).isEqualTo(gc.bytesFreed());
      assertThat(run.getRetentionBytes()).isEqualTo(gc.bytesFreed());

      s.user.awaitRegistryServing(GcScenario.REGISTRY, GcScenario.TIMEOUT);
      ImageVerifier verifier = new ImageVerifier(client);
      for (var repository : pushed.entrySet()) {
        assertThat(client.tags(repository.getKey()))
            .as(repository.getKey())
            .containsExactlyInAnyOrderElementsOf(kept.get(repository.getKey()));
        for (String tag : repository.getValue()) {
          PushedImage image = images.get(repository.getKey() + ":" + tag);
          if (kept.get(repository.getKey()).contains(tag)) {
            assertThat(verifier.pull(image)).containsAll(image.blobDigests());
          } else {
            assertThat(client.getManifest(repository.getKey(), image.digest()).status())
                .as(repository.getKey() + ":" + tag)
                .isEqualTo(404);
          }
        }
      }
      assertThat(gc.after().contains(images.get("team/web:build-1").digest())).isFalse();
      assertThat(s.sandbox.client().v1().events().inNamespace(Sandbox.NAMESPACE).list().getItems())
          .anyMatch(
              e ->
                  "TagsPruned".equals(e.getReason())
                      && e.getMessage().startsWith("retention deleted 18 tags"));
    }
  }

  private static Path tagLink(Path storage, String repository, String tag) {
    return storage.resolve(
        "docker/registry/v2/repositories/"
            + repository
            + "/_manifests/tags/"
            + tag
            + "/current/link");
  }
}
