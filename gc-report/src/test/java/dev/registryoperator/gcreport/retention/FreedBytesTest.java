package dev.registryoperator.gcreport.retention;

import static dev.registryoperator.gcreport.retention.Rule.rule;
import static dev.registryoperator.gcreport.retention.Rule.rules;
import static dev.registryoperator.gcreport.retention.Storage.days;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What GC after retention frees: blobs are shared, across manifests and repositories. */
class FreedBytesTest {
  private static final List<RetentionRule> DELETE_ALL_BUT_KEEP =
      rules(rule().keepTags("keep.*").keepLatest(0));

  @Test
  void countsEachBlobOfTheDeletedManifestsOnceAndTheManifestsThemselves() {
    Storage storage =
        new Storage()
            .blob("config-1", 1)
            .blob("config-2", 2)
            .blob("layer-shared", 1000)
            .blob("layer-1", 10_000)
            .blob("layer-2", 100_000);
    storage
        .repo("app")
        .image("image-1", 300, "config-1", "layer-shared", "layer-1")
        .image("image-2", 400, "config-2", "layer-shared", "layer-2")
        .tag("old-1", "image-1", days(30))
        .tag("old-2", "image-2", days(30));

    RetentionPlan plan = storage.decide(DELETE_ALL_BUT_KEEP);

    assertThat(plan.totals().bytes()).isEqualTo(300 + 400 + 1 + 2 + 1000 + 10_000 + 100_000);
  }

  @Test
  void leavesOutBlobsAManifestThatStaysUsesInAnyRepository() {
    Storage storage =
        new Storage()
            .blob("config-1", 1)
            .blob("layer-base", 1000)
            .blob("layer-1", 10_000)
            .blob("layer-untagged", 100_000);
    storage
        .repo("app")
        .image("image-1", 300, "config-1", "layer-base", "layer-1")
        .image("image-untagged", 400, "layer-untagged")
        .index("index", "image-untagged")
        .tag("old-1", "image-1", days(30))
        .tag("old-index", "index", days(30))
        .tag("keep", "image-untagged", days(30));
    storage.repo("other").image("base", 500, "layer-base").tag("keep", "base", days(1));
    // The same manifest mounted in a second repository, where it stays.
    storage.repo("mirror").image("image-1", 300, "config-1", "layer-base", "layer-1");

    RetentionPlan plan = storage.decide(DELETE_ALL_BUT_KEEP);

    assertThat(plan.totals().manifestsDeleted()).isEqualTo(2);
    assertThat(plan.totals().bytes()).isEqualTo(100);
  }

  @Test
  void aManifestListedAmongTheBlobsCountsByThatSize() {
    Storage storage = new Storage().blob("image", 512).blob("layer", 512);
    storage.repo("app").image("image", 500, "layer").tag("old", "image", days(30));

    RetentionPlan plan = storage.decide(DELETE_ALL_BUT_KEEP);

    assertThat(plan.totals().bytes()).isEqualTo(1024);
    assertThat(plan.summary()).isEqualTo("1 tag and 1 manifest to delete (1.0 KiB)");
  }
}
