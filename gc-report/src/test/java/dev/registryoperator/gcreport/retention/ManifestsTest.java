package dev.registryoperator.gcreport.retention;

import static dev.registryoperator.gcreport.retention.Rule.rule;
import static dev.registryoperator.gcreport.retention.Rule.rules;
import static dev.registryoperator.gcreport.retention.Storage.days;
import static dev.registryoperator.gcreport.retention.Storage.deleted;
import static dev.registryoperator.gcreport.retention.Storage.plan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gcreport.retention.RetentionPlan.DeletedManifest;
import dev.registryoperator.gcreport.retention.RetentionPlan.DeletedTag;
import dev.registryoperator.gcreport.retention.RetentionPlan.KeptManifest;
import dev.registryoperator.gcreport.retention.RetentionPlan.RepositoryPlan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which manifests go with the deleted tags, and which stay although a deleted tag named them. */
class ManifestsTest {
  /** Deletes every tag except those starting with keep. */
  private static final List<RetentionRule> DELETE_ALL_BUT_KEEP =
      rules(rule().keepTags("keep.*").keepLatest(0));

  private static List<String> deletedManifests(RepositoryPlan plan) {
    return plan.deletedManifests().stream().map(m -> m.digest() + ": " + m.why()).toList();
  }

  private static List<String> keptManifests(RepositoryPlan plan) {
    return plan.keptManifests().stream()
        .map(m -> m.digest() + " " + m.reason() + ": " + m.detail())
        .toList();
  }

  @Test
  void aManifestOfAKeptAndADeletedTagStaysAndTheDeletedTagIsOnlyUntagged() {
    Storage storage = new Storage();
    storage
        .repo("app")
        .image("shared", 100)
        .tag("keep-v1", "shared", days(30))
        .tag("build-1", "shared", days(30));

    RepositoryPlan plan = plan(storage.decide(DELETE_ALL_BUT_KEEP), "app");

    assertThat(plan.deletedTags()).extracting(DeletedTag::tag).containsExactly("build-1");
    assertThat(plan.tagsToUntag()).extracting(DeletedTag::tag).containsExactly("build-1");
    assertThat(plan.deletedManifests()).isEmpty();
    assertThat(plan.keptManifests())
        .containsExactly(
            new KeptManifest(
                "shared",
                List.of("build-1"),
                KeepReason.StillReferenced,
                "tag keep-v1 stays",
                List.of()));
  }

  @Test
  void deletingAManifestRemovesAllItsDeletedTags() {
    Storage storage = new Storage();
    storage
        .repo("app")
        .image("m", 100)
        .tag("a", "m", days(3))
        .tag("b", "m", days(2))
        .tag("keep", days(1));

    RetentionPlan plan = storage.decide(DELETE_ALL_BUT_KEEP);

    assertThat(plan(plan, "app").deletedManifests())
        .containsExactly(
            new DeletedManifest("m", List.of("a", "b"), "only deleted tags point to it"));
    assertThat(plan(plan, "app").tagsToUntag()).isEmpty();
    assertThat(plan.totals().tagsDeleted()).isEqualTo(2);
    assertThat(plan.totals().manifestsDeleted()).isEqualTo(1);
  }

  @Test
  void aDeletedIndexTakesItsChildrenExceptThoseAnIndexThatStaysContains() {
    Storage storage = new Storage();
    storage
        .repo("app")
        .index("old-index", "amd64", "arm64", "shared-arm64")
        .index("kept-index", "shared-arm64", "s390x")
        .index("untagged-index", "amd64")
        .image("amd64", 100)
        .image("arm64", 100)
        .image("shared-arm64", 100)
        .image("s390x", 100)
        .tag("old", "old-index", days(30))
        .tag("keep", "kept-index", days(1));

    RepositoryPlan plan = plan(storage.decide(DELETE_ALL_BUT_KEEP), "app");

    assertThat(deletedManifests(plan))
        .containsExactly(
            "arm64: in deleted index old-index", "old-index: only deleted tags point to it");
    assertThat(keptManifests(plan))
        .containsExactly(
            "amd64 StillReferenced: in index untagged-index, which stays",
            "shared-arm64 StillReferenced: in index kept-index, which stays");
    assertThat(plan.keptManifests()).allSatisfy(m -> assertThat(m.deletedTags()).isEmpty());
  }

  @Test
  void aDeletedTagOnAPlatformManifestOfAKeptIndexIsOnlyUntagged() {
    Storage storage = new Storage();
    storage
        .repo("app")
        .index("index", "amd64")
        .image("amd64", 100)
        .tag("keep", "index", days(1))
        .tag("amd64-build", "amd64", days(30));

    RepositoryPlan plan = plan(storage.decide(DELETE_ALL_BUT_KEEP), "app");

    assertThat(plan.tagsToUntag()).extracting(DeletedTag::tag).containsExactly("amd64-build");
    assertThat(plan.deletedManifests()).isEmpty();
    assertThat(plan.keptManifests())
        .containsExactly(
            new KeptManifest(
                "amd64",
                List.of("amd64-build"),
                KeepReason.StillReferenced,
                "in index index, which stays",
                List.of()));
  }

  @Test
  void referrersGoWithTheirSubjectAndStayWithIt() {
    Storage storage = new Storage();
    storage
        .repo("app")
        .image("old-image", 100)
        .image("kept-image", 100)
        .referrer("old-signature", "old-image")
        .referrer("kept-signature", "kept-image")
        .tag("old", "old-image", days(30))
        .tag("keep", "kept-image", days(1))
        // A cosign-style tag on a signature; the tag goes, the signature of a kept image stays.
        .tag("sha256-kept-image.sig", "kept-signature", days(1));

    RepositoryPlan plan = plan(storage.decide(DELETE_ALL_BUT_KEEP), "app");

    assertThat(deleted(storage.decide(DELETE_ALL_BUT_KEEP), "app"))
        .containsExactly("old", "sha256-kept-image.sig");
    assertThat(deletedManifests(plan))
        .containsExactly(
            "old-image: only deleted tags point to it",
            "old-signature: refers to deleted old-image");
    assertThat(keptManifests(plan))
        .containsExactly("kept-signature StillReferenced: refers to kept-image, which stays");
    assertThat(plan.tagsToUntag())
        .extracting(DeletedTag::tag)
        .containsExactly("sha256-kept-image.sig");
  }

  @Test
  void aKeptReferrerDoesNotKeepItsSubject() {
    Storage storage = new Storage();
    storage
        .repo("app")
        .image("image", 100)
        .referrer("signature", "image")
        .tag("old", "image", days(30))
        .tag("keep-signature", "signature", days(30));

    RepositoryPlan plan = plan(storage.decide(DELETE_ALL_BUT_KEEP), "app");

    assertThat(deletedManifests(plan)).containsExactly("image: only deleted tags point to it");
    assertThat(keptManifests(plan))
        .containsExactly("signature StillReferenced: tag keep-signature stays");
  }

  @Test
  void aChainOfReferrersGoesWithTheImage() {
    Storage storage = new Storage();
    storage
        .repo("app")
        .index("index", "amd64")
        .image("amd64", 100)
        .referrer("sbom", "index")
        .referrer("sbom-signature", "sbom")
        .referrer("amd64-attestation", "amd64")
        .tag("old", "index", days(30));

    RepositoryPlan plan = plan(storage.decide(DELETE_ALL_BUT_KEEP), "app");

    assertThat(deletedManifests(plan))
        .containsExactly(
            "amd64: in deleted index index",
            "amd64-attestation: refers to deleted amd64",
            "index: only deleted tags point to it",
            "sbom: refers to deleted index",
            "sbom-signature: refers to deleted sbom");
    assertThat(plan.keptManifests()).isEmpty();
  }

  @Test
  void aChainStaysFromTheFirstManifestThatStays() {
    Storage storage = new Storage();
    storage
        .repo("app")
        .image("image", 100)
        .referrer("sbom", "image")
        .referrer("sbom-signature", "sbom")
        .referrer("sbom-signature-attestation", "sbom-signature")
        .tag("old", "image", days(30));
    Protection protection = new Protection(Map.of("app@sbom", List.of("Job audit/scan")));

    RepositoryPlan plan = plan(storage.decide(DELETE_ALL_BUT_KEEP, protection), "app");

    assertThat(deletedManifests(plan)).containsExactly("image: only deleted tags point to it");
    assertThat(keptManifests(plan))
        .containsExactly(
            "sbom Protected: in use by digest",
            "sbom-signature StillReferenced: refers to sbom, which stays",
            "sbom-signature-attestation StillReferenced: refers to sbom-signature, which stays");
    assertThat(plan.keptManifests().get(0).users()).containsExactly("Job audit/scan");
  }

  @Test
  void manifestsNoDeletedTagNamedStayEvenWhenUntagged() {
    Storage storage = new Storage();
    storage
        .repo("app")
        .image("untagged", 100)
        .referrer("untagged-signature", "untagged")
        .tag("old", days(30));

    RepositoryPlan plan = plan(storage.decide(DELETE_ALL_BUT_KEEP), "app");

    assertThat(deletedManifests(plan)).containsExactly("img-old: only deleted tags point to it");
    assertThat(plan.keptManifests()).isEmpty();
  }

  @Test
  void aTagOnAManifestTheRepositoryDoesNotHoldStillGoes() {
    Storage storage = new Storage();
    storage.repo("app").tag("broken", "missing", days(30));

    RetentionPlan plan = storage.decide(DELETE_ALL_BUT_KEEP);

    assertThat(deletedManifests(plan(plan, "app")))
        .containsExactly("missing: only deleted tags point to it");
    assertThat(plan.totals().bytes()).isZero();
  }
}
