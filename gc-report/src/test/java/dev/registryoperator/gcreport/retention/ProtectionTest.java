package dev.registryoperator.gcreport.retention;

import static dev.registryoperator.gcreport.retention.Rule.rule;
import static dev.registryoperator.gcreport.retention.Rule.rules;
import static dev.registryoperator.gcreport.retention.Storage.days;
import static dev.registryoperator.gcreport.retention.Storage.deleted;
import static dev.registryoperator.gcreport.retention.Storage.kept;
import static dev.registryoperator.gcreport.retention.Storage.plan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gcreport.retention.RetentionPlan.KeptTag;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Retention never deletes an image a workload runs. */
class ProtectionTest {
  private static final List<RetentionRule> KEEP_NEWEST = rules(rule().keepLatest(1));

  private static Storage twoTags() {
    Storage storage = new Storage();
    storage.repo("team/app").tag("old", days(30)).tag("new", days(1));
    return storage;
  }

  @Test
  void aTagInUseByNameIsKeptWithItsUsers() {
    Protection protection =
        new Protection(
            Map.of(
                "team/app:old",
                List.of("Pod default/web-7d9f", "Deployment team/api", "Pod default/web-7d9f")));

    RetentionPlan plan = twoTags().decide(KEEP_NEWEST, protection);

    assertThat(deleted(plan, "team/app")).isEmpty();
    KeptTag old = plan(plan, "team/app").keptTags().get(1);
    assertThat(old.tag()).isEqualTo("old");
    assertThat(old.reason()).isEqualTo(KeepReason.Protected);
    assertThat(old.rule()).isNull();
    assertThat(old.users()).containsExactly("Deployment team/api", "Pod default/web-7d9f");
    assertThat(old.detail())
        .isEqualTo("in use; the rules would delete it (rule 0: not the newest)");
    assertThat(plan.totals().tagsProtected()).isEqualTo(1);
    assertThat(plan.summary()).isEqualTo("nothing to delete; 1 tag protected by workloads");
  }

  @Test
  void aTagIsKeptWhenItsManifestIsInUseByDigest() {
    Protection protection =
        new Protection(Map.of("team/app@img-old", List.of("Pod default/web-7d9f")));

    RetentionPlan plan = twoTags().decide(KEEP_NEWEST, protection);

    assertThat(kept(plan, "team/app")).containsExactly("new KeptByLatest 0", "old Protected");
  }

  @Test
  void aMultiArchTagIsKeptWhenAPodRunsOneOfItsPlatformManifests() {
    Storage storage = new Storage();
    storage
        .repo("team/app")
        .tag("old", "index", days(30))
        .tag("new", days(1))
        .index("index", "amd64", "arm64-index")
        .index("arm64-index", "arm64-v8")
        .image("amd64", 100)
        .image("arm64-v8", 100);
    Protection protection =
        new Protection(Map.of("team/app@arm64-v8", List.of("Pod edge/sensor-1")));

    RetentionPlan plan = storage.decide(KEEP_NEWEST, protection);

    assertThat(kept(plan, "team/app")).containsExactly("new KeptByLatest 0", "old Protected");
    assertThat(plan(plan, "team/app").keptTags().get(1).users())
        .containsExactly("Pod edge/sensor-1");
    assertThat(plan(plan, "team/app").deletedManifests()).isEmpty();
  }

  @Test
  void onlyReferencesToTheSameRepositoryProtect() {
    Protection protection =
        new Protection(
            Map.of(
                "other/app:old", List.of("Pod a/b"),
                "other/app@img-old", List.of("Pod a/b"),
                "team/app:older", List.of("Pod a/b")));

    RetentionPlan plan = twoTags().decide(KEEP_NEWEST, protection);

    assertThat(deleted(plan, "team/app")).containsExactly("old");
    assertThat(plan.totals().tagsProtected()).isZero();
  }

  @Test
  void aTagTheRulesKeepIsNotCountedAsProtected() {
    Protection protection = new Protection(Map.of("team/app:new", List.of("Pod default/web")));

    RetentionPlan plan = twoTags().decide(KEEP_NEWEST, protection);

    assertThat(kept(plan, "team/app")).containsExactly("new KeptByLatest 0");
    assertThat(plan.totals().tagsProtected()).isZero();
    assertThat(plan.summary()).isEqualTo("1 tag and 1 manifest to delete (100 B)");
  }
}
