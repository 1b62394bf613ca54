package dev.registryoperator.gc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.registryoperator.gcreport.retention.Inventory;
import dev.registryoperator.gcreport.retention.Protection;
import dev.registryoperator.gcreport.retention.RetentionDecision;
import dev.registryoperator.gcreport.retention.RetentionPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * examples/gcschedule-retention.yaml does what its comments promise: 10 newest tags per repository,
 * release tags forever, pull-request builds for 14 days, latest always, and what a workload runs.
 */
class RetentionExampleTest {
  private static final Instant NOW = Instant.parse("2026-11-26T02:30:00Z");

  @Test
  void theExampleKeepsTheNewestTheReleasesTheRecentPullRequestsLatestAndWhatRuns()
      throws Exception {
    GcSchedule example =
        new ObjectMapper(new YAMLFactory())
            .readValue(
                Path.of(System.getProperty("examples.dir", "../examples"))
                    .resolve("gcschedule-retention.yaml")
                    .toFile(),
                GcSchedule.class);
    // team/app: releases v1.0.0..v1.2.0 pushed 60 to 58 days ago, builds main-1..main-15 one a day
    // (main-15 newest), pr-1..pr-6 pushed 30, 25, 20, 15, 10, 5 days ago, latest 61 days ago;
    // pr-4, 15 days old, goes: 14 days
    List<Inventory.Tag> tags = new ArrayList<>();
    Map<String, Inventory.Manifest> manifests = new HashMap<>();
    int digest = 0;
    for (String release : List.of("v1.0.0", "v1.1.0", "v1.2.0")) {
      digest = tag(tags, manifests, release, 60 - tags.size(), digest);
    }
    for (int i = 1; i <= 15; i++) {
      digest = tag(tags, manifests, "main-" + i, 16 - i, digest);
    }
    for (int i = 1; i <= 6; i++) {
      digest = tag(tags, manifests, "pr-" + i, 35 - 5 * i, digest);
    }
    tag(tags, manifests, "latest", 61, digest);
    Inventory inventory =
        new Inventory(List.of(new Inventory.Repository("team/app", tags, manifests)), Map.of());
    // a CronJob still runs main-2 every night
    Protection inUse = new Protection(Map.of("team/app:main-2", List.of("CronJob team/report")));

    RetentionPlan plan =
        RetentionDecision.decide(inventory, example.getSpec().getRetention(), inUse, NOW);

    assertThat(plan.repositories().get(0).deletedTags())
        .extracting(RetentionPlan.DeletedTag::tag)
        .containsExactlyInAnyOrder(
            "main-1", "main-3", "main-4", "main-5", "pr-1", "pr-2", "pr-3", "pr-4");
    assertThat(plan.totals().tagsProtected()).isEqualTo(1);
    assertThat(plan.repositories().get(0).keptTags())
        .filteredOn(t -> t.tag().equals("main-2"))
        .singleElement()
        .satisfies(t -> assertThat(t.users()).containsExactly("CronJob team/report"));
  }

  private static int tag(
      List<Inventory.Tag> tags,
      Map<String, Inventory.Manifest> manifests,
      String name,
      int daysAgo,
      int digest) {
    String d = "sha256:" + String.format("%064x", digest);
    tags.add(new Inventory.Tag(name, d, NOW.minus(Duration.ofDays(daysAgo))));
    manifests.put(d, new Inventory.Manifest(List.of(), null, List.of(), 100));
    return digest + 1;
  }
}
