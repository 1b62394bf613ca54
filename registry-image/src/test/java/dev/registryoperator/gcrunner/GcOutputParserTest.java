package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Parses output captured from the real registry: 2.8.2 (Debian docker-registry) dry runs with and
 * without --delete-untagged, over a storage holding a Docker manifest list (dl:latest), an OCI
 * index (multi:latest), plain images with a moved tag (lib/app) and a deleted image (other). The
 * 3.0.0 sample is written from the 3.0.0 source's print statements for the same storage (eligible
 * manifests as {repo digest [tags]}, index children marked with their index, layer-link lines),
 * since no 3.x binary is installed here.
 */
class GcOutputParserTest {
  private static final String LIST =
      "sha256:c388e8b5518afb7774eae61e222dab6a64b41772399abbfaf6da131433e31abc";
  private static final String LIST_CHILD =
      "sha256:59d2ea9da9a014c20cd83cc44071e8c24b660a9a9bb4ca5d99aa4cd04615614a";
  private static final String OLD_TMP =
      "sha256:ac9dfca9f17803214fc6fc21e2a836ab9f038fca324a9b34e07d8c8e45f82dab";

  @Test
  void parsesA282DryRun() throws IOException {
    GcOutput output = GcOutputParser.parseAll(resource("2.8.2-dry-run.txt"), false);

    assertThat(output.summarySeen()).isTrue();
    assertThat(output.blobsMarked()).isEqualTo(27);
    assertThat(output.blobsEligibleCount()).isEqualTo(3);
    assertThat(output.manifestsEligibleCount()).isZero();
    assertThat(output.eligibleBlobs())
        .containsExactly(
            "sha256:95ba6c646d0e81017f1f04e448593ad7b46eda895e8256f9f997453812f4e227",
            "sha256:b61c871ccca54afc3f343c61bd0ec5c38b9f05aff09328081efc533cca559d7e",
            "sha256:fd1ef5080a2255990d44862219d568b12e4f04172daaeca29ec30e44b247da00");
    assertThat(output.eligibleManifests()).isEmpty();
    assertThat(output.markedReferences()).isEmpty();
    assertThat(output.unrecognizedLines()).isZero();
  }

  @Test
  void attributesEligibleManifestsOf282ToTheRepositoryHeaderAbove() throws IOException {
    GcOutput output = GcOutputParser.parseAll(resource("2.8.2-dry-run-delete-untagged.txt"), true);

    assertThat(output.blobsMarked()).isEqualTo(16);
    assertThat(output.blobsEligibleCount()).isEqualTo(14);
    assertThat(output.eligibleBlobs()).hasSize(14);
    assertThat(output.manifestsEligibleCount()).isEqualTo(5);
    assertThat(output.eligibleManifests())
        .containsExactly(
            new EligibleManifest("dl", LIST_CHILD),
            new EligibleManifest(
                "dl", "sha256:fbb9e4f1f4bf2904da62cc675e24d969ab109e7ff995e463ce2f066f02291a2a"),
            new EligibleManifest("lib/app", OLD_TMP),
            new EligibleManifest(
                "multi", "sha256:340cf61e51adda3868ee6e9697e287f0bed3bf14e0373582133370e659081b42"),
            new EligibleManifest(
                "multi",
                "sha256:ecfecef27afa4e122119dd0ddcbfa5b74e8792c7f0d97b1f0ae1159b3c446969"));
    assertThat(output.unrecognizedLines()).isZero();
  }

  @Test
  void recordsWhatEachMarkedManifestMarked() throws IOException {
    GcOutput output = GcOutputParser.parseAll(resource("2.8.2-dry-run-delete-untagged.txt"), true);

    Map<String, Set<String>> dl = output.markedReferences().get("dl");
    assertThat(dl).containsOnlyKeys("dl@" + LIST);
    assertThat(dl.get("dl@" + LIST)).contains(LIST_CHILD);
    // The tagged list protects its children: the output-based safety check finds them.
    assertThat(SafetyCheck.conflicts(output.eligibleManifests(), output.markedReferences()))
        .extracting(SafetyCheck.Conflict::protector)
        .containsOnly(
            "dl@" + LIST,
            "multi@sha256:39ed824570d905e1563ee1df62a148534fd8f0f8757f7ad24b8c3a6729b8dcaa")
        .hasSize(4);
  }

  @Test
  void parsesThe300Format() throws IOException {
    GcOutput output = GcOutputParser.parseAll(resource("3.0.0-dry-run-delete-untagged.txt"), true);

    assertThat(output.blobsMarked()).isEqualTo(24);
    assertThat(output.blobsEligibleCount()).isEqualTo(6);
    assertThat(output.eligibleBlobs()).hasSize(6).contains(OLD_TMP);
    assertThat(output.eligibleManifests())
        .containsExactly(new EligibleManifest("lib/app", OLD_TMP));
    assertThat(output.eligibleLayerLinks())
        .containsExactly(
            "other@sha256:95ba6c646d0e81017f1f04e448593ad7b46eda895e8256f9f997453812f4e227",
            "other@sha256:fd1ef5080a2255990d44862219d568b12e4f04172daaeca29ec30e44b247da00",
            "lib/app@sha256:77d78b518cc03c8f0680fd02634b1ac6a6bc3802e59b733290c18f5470792daa",
            "lib/app@sha256:eb5de346ab94db494271a366991d37ce923276ee2313d8760910f065bc6ec513");
    assertThat(output.unrecognizedLines()).isZero();
    assertThat(SafetyCheck.conflicts(output.eligibleManifests(), output.markedReferences()))
        .isEmpty();
  }

  @Test
  void recognisesRepositoryNamesWithDoubleUnderscoresAndDashRuns() {
    String digest = "sha256:" + "b".repeat(64);
    GcOutput output =
        GcOutputParser.parseAll(
            """
                my__team/app--x
                manifest eligible for deletion: %s

                0 blobs marked, 0 blobs and 1 manifests eligible for deletion
                """
                .formatted(digest),
            false);

    assertThat(output.eligibleManifests())
        .containsExactly(new EligibleManifest("my__team/app--x", digest));
    assertThat(output.unrecognizedLines()).isZero();
  }

  @Test
  void toleratesUnknownLinesAndMissingSummary() {
    GcOutput output = GcOutputParser.parseAll("something new: 42 things\n\nrepo-a\n", false);

    assertThat(output.summarySeen()).isFalse();
    assertThat(output.unrecognizedLines()).isEqualTo(1);
  }

  @Test
  void parsesEmptyTagsAndDeduplicatesBlobs() {
    String digest = "sha256:" + "a".repeat(64);
    GcOutput output =
        GcOutputParser.parseAll(
            """
                manifest eligible for deletion: {team/app %s []}

                1 blobs marked, 1 blobs and 1 manifests eligible for deletion
                blob eligible for deletion: %s
                blob eligible for deletion: %s
                """
                .formatted(digest, digest, digest),
            false);

    assertThat(output.eligibleManifests())
        .containsExactly(new EligibleManifest("team/app", digest));
    assertThat(output.eligibleBlobs()).containsExactly(digest);
  }

  static String resource(String name) throws IOException {
    try (InputStream in = GcOutputParserTest.class.getResourceAsStream("/gc-output/" + name)) {
      if (in == null) {
        throw new IOException("no resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
