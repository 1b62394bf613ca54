package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Which untagged referrers {@code --delete-untagged} would delete while their subject stays. */
class ReferrerCheckTest {
  private static final String IMAGE = digest('1');
  private static final String CHILD = digest('2');
  private static final String INDEX = digest('3');
  private static final String SIGNATURE = digest('4');
  private static final String SBOM = digest('5');
  private static final String SIGNATURE_OF_SBOM = digest('6');
  private static final String SIGNATURE_OF_CHILD = digest('7');
  private static final String UNTAGGED = digest('8');
  private static final String SIGNATURE_OF_UNTAGGED = digest('9');
  private static final String TAGGED_SIGNATURE = digest('a');

  private static String digest(char c) {
    return "sha256:" + String.valueOf(c).repeat(64);
  }

  /** One repository held in memory: what a filesystem or a bucket would show. */
  private static final class Storage implements StorageView {
    final Map<String, String> tags = new TreeMap<>();
    final Map<String, Manifest> revisions = new LinkedHashMap<>();

    Storage image(String digest) {
      revisions.put(digest, new Manifest("", List.of(), List.of(), null));
      return this;
    }

    Storage index(String digest, String... children) {
      revisions.put(digest, new Manifest(Manifest.OCI_INDEX, List.of(children), List.of(), null));
      return this;
    }

    Storage referrer(String digest, String subject) {
      revisions.put(digest, new Manifest("", List.of(), List.of(), subject));
      return this;
    }

    Storage tag(String tag, String digest) {
      tags.put(tag, digest);
      return this;
    }

    List<ReferrerCheck.Referrer> atRisk() throws Exception {
      return ReferrerCheck.atRisk(this, ImageGraph.read(this, new Parallel(1)));
    }

    @Override
    public List<String> repositories() {
      return List.of("app");
    }

    @Override
    public List<TaggedManifest> tags(String repository) {
      List<TaggedManifest> result = new ArrayList<>();
      tags.forEach((tag, digest) -> result.add(new TaggedManifest(repository, tag, digest)));
      return result;
    }

    @Override
    public List<String> revisions(String repository) {
      return revisions.keySet().stream().sorted().toList();
    }

    @Override
    public Manifest manifest(String digest) {
      return revisions.get(digest);
    }

    @Override
    public boolean hasRevision(String repository, String digest) {
      return revisions.containsKey(digest);
    }
  }

  @Test
  void anUntaggedSignatureOfATaggedImageIsAtRisk() throws Exception {
    Storage storage = new Storage().image(IMAGE).tag("v1", IMAGE).referrer(SIGNATURE, IMAGE);

    assertThat(storage.atRisk())
        .containsExactly(new ReferrerCheck.Referrer("app", SIGNATURE, IMAGE));
  }

  @Test
  void aReferrerOfAChildOfATaggedIndexIsAtRiskAndSoIsTheFirstOfAChain() throws Exception {
    Storage storage =
        new Storage()
            .image(CHILD)
            .index(INDEX, CHILD)
            .tag("v1", INDEX)
            .referrer(SIGNATURE_OF_CHILD, CHILD)
            .referrer(SBOM, INDEX)
            .referrer(SIGNATURE_OF_SBOM, SBOM);

    // the signature of the SBOM goes with the SBOM: only what refers to a kept manifest is named
    assertThat(storage.atRisk())
        .extracting(ReferrerCheck.Referrer::digest)
        .containsExactlyInAnyOrder(SIGNATURE_OF_CHILD, SBOM);
  }

  @Test
  void taggedReferrersReferrersInATaggedIndexAndReferrersOfUntaggedImagesAreSafe()
      throws Exception {
    Storage storage =
        new Storage()
            .image(IMAGE)
            .tag("v1", IMAGE)
            .referrer(TAGGED_SIGNATURE, IMAGE)
            .tag("sha256-" + "1".repeat(64) + ".sig", TAGGED_SIGNATURE)
            // the referrers tag schema: a tagged index listing the referrers
            .referrer(SBOM, IMAGE)
            .index(INDEX, SBOM)
            .tag("sha256-" + "1".repeat(64), INDEX)
            .image(UNTAGGED)
            .referrer(SIGNATURE_OF_UNTAGGED, UNTAGGED);

    assertThat(storage.atRisk()).isEmpty();
  }

  @Test
  void theRefusalNamesEachReferrerWithItsSubjectAndTheWayOut() {
    String message =
        ReferrerCheck.refusal(List.of(new ReferrerCheck.Referrer("app", SIGNATURE, IMAGE)));

    assertThat(message)
        .contains(
            "1 untagged referrer(s)",
            "app@" + SIGNATURE + " (subject " + IMAGE + ")",
            "nothing was deleted",
            "--delete-untagged-referrers",
            "spec.deleteUntaggedReferrers: true");
  }
}
