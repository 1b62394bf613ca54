package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Parses the outputs in {@code src/test/resources/gc-output/} (see its README): 2.8.2 outputs
 * recorded from the real registry (Debian docker-registry), and 3.0.0 outputs reconstructed from
 * distribution v3.0.0's garbagecollect.go for the same storages, since no 3.x binary runs here.
 * Storage A: a Docker manifest list (dl:latest), an OCI index (multi:latest), plain images with a
 * moved tag (lib/app) and a deleted image (other). Storage B: a tagged OCI index whose tag moved
 * from an image (app), an image pushed by digest only to a repository without tags (scratch), a
 * tagged image and an untagged OCI index (tools), one layer shared by app and tools.
 */
class GcOutputParserTest {
  private static final String LIST =
      "sha256:c388e8b5518afb7774eae61e222dab6a64b41772399abbfaf6da131433e31abc";
  private static final String LIST_CHILD =
      "sha256:59d2ea9da9a014c20cd83cc44071e8c24b660a9a9bb4ca5d99aa4cd04615614a";
  private static final String OLD_TMP =
      "sha256:ac9dfca9f17803214fc6fc21e2a836ab9f038fca324a9b34e07d8c8e45f82dab";
  private static final String B_APP_OLD =
      "sha256:e1819bad2a61daf03463e5b81dec4a355976720249e40c70cfa584a599202d35";
  private static final String B_APP_CHILD_1 =
      "sha256:d4b6b73ddb919cb88372bb014f5945056c3f2590c59ecea49f87968c3e2af091";
  private static final String B_APP_CHILD_2 =
      "sha256:70d5a764134c1cf7c70f7597cf7190a8f90f4b639897f7647b6b5c20534cf12e";
  private static final String B_SCRATCH =
      "sha256:1e9e2bf60f3e07c147febd5c4583e17f6bcd8d0b3696599aecb690abac6a9594";
  private static final String B_TOOLS_INDEX =
      "sha256:8f1462c713a176f9144f399cff56be5398c32e2c049445943c21eb104b12d4a0";
  private static final String B_TOOLS_CHILD_1 =
      "sha256:0e09da563e8986458f13699db4a49ee7ba305054f804c785f0adec202d465622";
  private static final String B_TOOLS_CHILD_2 =
      "sha256:9bde180736b443aa8c2a11e3b8e3f522f2a370adb74339c6c856589bddd18b05";
  private static final String B_SHARED_LAYER =
      "sha256:78ad25c973d1275094a3d622b3eb2fcac6086fd53b320cae428e9439d3f6487d";
  private static final String OTHER_MANIFEST =
      "sha256:b61c871ccca54afc3f343c61bd0ec5c38b9f05aff09328081efc533cca559d7e";
  private static final String OTHER_CONFIG =
      "sha256:95ba6c646d0e81017f1f04e448593ad7b46eda895e8256f9f997453812f4e227";
  private static final String OTHER_LAYER =
      "sha256:fd1ef5080a2255990d44862219d568b12e4f04172daaeca29ec30e44b247da00";

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
  void parsesA300DryRunOfStorageA() throws IOException {
    GcOutput output = GcOutputParser.parseAll(resource("3.0.0-dry-run.txt"), true);
    GcOutput recorded282 = GcOutputParser.parseAll(resource("2.8.2-dry-run.txt"), false);

    assertThat(output.summarySeen()).isTrue();
    assertThat(output.blobsMarked()).isEqualTo(27);
    assertThat(output.blobsEligibleCount()).isEqualTo(3);
    assertThat(output.manifestsEligibleCount()).isZero();
    assertThat(output.eligibleBlobs())
        .containsExactlyInAnyOrder(OTHER_MANIFEST, OTHER_CONFIG, OTHER_LAYER);
    assertThat(output.eligibleManifests()).isEmpty();
    assertThat(output.eligibleLayerLinks())
        .containsExactly("other@" + OTHER_CONFIG, "other@" + OTHER_LAYER);
    assertThat(output.unrecognizedLines()).isZero();
    // Without -m, 3.0.0 marks what 2.8.2 marks.
    assertThat(output.blobsMarked()).isEqualTo(recorded282.blobsMarked());
    assertThat(output.eligibleBlobs())
        .containsExactlyInAnyOrderElementsOf(recorded282.eligibleBlobs());
    // 3.x prints a digest only the first time it is marked: the list's first child was marked by
    // its own "marking manifest" line, before the list, so the list's lines leave it out.
    assertThat(output.markedReferences().get("dl").get("dl@" + LIST))
        .containsExactly(
            "sha256:fbb9e4f1f4bf2904da62cc675e24d969ab109e7ff995e463ce2f066f02291a2a",
            "sha256:77ea8538767f05b26247e72a7f2a15371d57a60fd8efebb675ba073cf761e708",
            "sha256:d124281fb291586de80c0ccc7f977a8943a2d036bea4f0c4802658f61ff70445");
    assertThat(distinctMarked(output)).hasSize(27);
  }

  @Test
  void parsesA300DryRunWithDeleteUntaggedOfStorageA() throws IOException {
    GcOutput output = GcOutputParser.parseAll(resource("3.0.0-dry-run-delete-untagged.txt"), true);

    assertThat(output.summarySeen()).isTrue();
    assertThat(output.blobsMarked()).isEqualTo(24);
    assertThat(output.blobsEligibleCount()).isEqualTo(6);
    assertThat(output.manifestsEligibleCount()).isEqualTo(1);
    assertThat(output.eligibleBlobs())
        .containsExactlyInAnyOrder(
            OLD_TMP,
            "sha256:77d78b518cc03c8f0680fd02634b1ac6a6bc3802e59b733290c18f5470792daa",
            "sha256:eb5de346ab94db494271a366991d37ce923276ee2313d8760910f065bc6ec513",
            OTHER_MANIFEST,
            OTHER_CONFIG,
            OTHER_LAYER);
    // Index-aware -m: the untagged children of dl:latest and multi:latest are not listed.
    assertThat(output.eligibleManifests())
        .containsExactly(new EligibleManifest("lib/app", OLD_TMP));
    assertThat(output.eligibleLayerLinks())
        .containsExactly(
            "other@" + OTHER_CONFIG,
            "other@" + OTHER_LAYER,
            "lib/app@sha256:77d78b518cc03c8f0680fd02634b1ac6a6bc3802e59b733290c18f5470792daa",
            "lib/app@sha256:eb5de346ab94db494271a366991d37ce923276ee2313d8760910f065bc6ec513");
    assertThat(output.unrecognizedLines()).isZero();
    // The children and their blobs are marked under the tagged list that references them.
    assertThat(output.markedReferences().get("dl"))
        .containsOnlyKeys("dl@" + LIST)
        .containsEntry(
            "dl@" + LIST,
            Set.of(
                LIST_CHILD,
                "sha256:4de436f4851975c2d1fd1127465e3934d9ae97f01c6dd1ea98c0a53a8ffdb958",
                "sha256:fbdbbea2ef5c01508e9e68bbf62b2e4c1e60b8a5602971d2f7008b061a41f9b4",
                "sha256:fbb9e4f1f4bf2904da62cc675e24d969ab109e7ff995e463ce2f066f02291a2a",
                "sha256:77ea8538767f05b26247e72a7f2a15371d57a60fd8efebb675ba073cf761e708",
                "sha256:d124281fb291586de80c0ccc7f977a8943a2d036bea4f0c4802658f61ff70445"));
    assertThat(distinctMarked(output)).hasSize(24);
    assertThat(SafetyCheck.conflicts(output.eligibleManifests(), output.markedReferences()))
        .isEmpty();
  }

  @Test
  void parsesA300RunWithDeleteUntaggedOfStorageB() throws IOException {
    GcOutput output = GcOutputParser.parseAll(resource("3.0.0-delete-untagged-b.txt"), true);

    assertThat(output.summarySeen()).isTrue();
    assertThat(output.blobsMarked()).isEqualTo(10);
    assertThat(output.blobsEligibleCount()).isEqualTo(11);
    assertThat(output.manifestsEligibleCount()).isEqualTo(4);
    // app's old image (its tag moved to the index); tools' untagged index and both its children.
    assertThat(output.eligibleManifests())
        .containsExactly(
            new EligibleManifest("app", B_APP_OLD),
            new EligibleManifest("tools", B_TOOLS_CHILD_1),
            new EligibleManifest("tools", B_TOOLS_INDEX),
            new EligibleManifest("tools", B_TOOLS_CHILD_2));
    // scratch has no tags directory: its manifest is neither marked nor listed, its blobs are.
    assertThat(output.eligibleBlobs())
        .containsExactlyInAnyOrder(
            B_APP_OLD,
            "sha256:844893ce5b266022a8f6831f52e365c9842eff1a1fe77b44a9bc3d98eb6c6637",
            B_SCRATCH,
            "sha256:1843af4e31401fba82462c78fe895fe24cb3629ca9a7a389c234be68fde11221",
            "sha256:6a84a86c63dcc3b774b15033ef1505f44e2a332466e11c7d5e01a2d2f7faf409",
            B_TOOLS_INDEX,
            B_TOOLS_CHILD_1,
            "sha256:5c1c19c900634e4d0aeb1d7ec80ace512fb0eebbac6c9568c7b44368f1eff0bb",
            B_TOOLS_CHILD_2,
            "sha256:baed4ceeea13e92e40d354e5e529c757463b0cec367d50b1ac16a046249ae4ac",
            "sha256:baeac8db6a7c868a78c4ac413fd92503229487c5315d57ccf286679eae040664");
    assertThat(output.eligibleManifests())
        .extracting(EligibleManifest::digest)
        .doesNotContain(B_SCRATCH);
    // app's link to the shared layer goes (tools:stable keeps the blob); tools' link to the layer
    // it shares with app's index stays, marked by app before tools was enumerated.
    assertThat(output.eligibleLayerLinks())
        .containsExactly(
            "app@" + B_SHARED_LAYER,
            "app@sha256:844893ce5b266022a8f6831f52e365c9842eff1a1fe77b44a9bc3d98eb6c6637",
            "scratch@sha256:1843af4e31401fba82462c78fe895fe24cb3629ca9a7a389c234be68fde11221",
            "scratch@sha256:6a84a86c63dcc3b774b15033ef1505f44e2a332466e11c7d5e01a2d2f7faf409",
            "tools@sha256:5c1c19c900634e4d0aeb1d7ec80ace512fb0eebbac6c9568c7b44368f1eff0bb",
            "tools@sha256:baeac8db6a7c868a78c4ac413fd92503229487c5315d57ccf286679eae040664",
            "tools@sha256:baed4ceeea13e92e40d354e5e529c757463b0cec367d50b1ac16a046249ae4ac");
    assertThat(output.eligibleBlobs()).doesNotContain(B_SHARED_LAYER);
    assertThat(output.markedReferences()).containsOnlyKeys("app", "tools");
    assertThat(output.markedReferences().get("tools"))
        .containsExactly(
            Map.entry(
                "tools@sha256:fb9a14932463160d88f62936e7785a4f87c2f886333f63b677979ff4b35d6121",
                Set.of(
                    "sha256:dcfc68f5aa2885365b4d8555c78177ef1a448a12955eec975fc91265ce00a9c2",
                    B_SHARED_LAYER)));
    assertThat(distinctMarked(output)).hasSize(10);
    assertThat(output.unrecognizedLines()).isZero();
  }

  @Test
  void storageBHas21BlobsAsThe282RecordingShows() throws IOException {
    GcOutput recorded282 = GcOutputParser.parseAll(resource("2.8.2-dry-run-b.txt"), false);
    GcOutput reconstructed300 =
        GcOutputParser.parseAll(resource("3.0.0-delete-untagged-b.txt"), false);

    assertThat(recorded282.blobsMarked()).isEqualTo(21);
    assertThat(recorded282.blobsEligibleCount()).isZero();
    assertThat(recorded282.unrecognizedLines()).isZero();
    assertThat(reconstructed300.blobsMarked() + reconstructed300.blobsEligibleCount())
        .isEqualTo(21);
  }

  @Test
  void a282DeleteUntaggedThatFailedOnARepositoryWithoutTagsHasNoSummary() throws IOException {
    // 2.8.2 exits 1 ("failed to retrieve tags unknown repository name=scratch") where 3.0.0 prints
    // "manifest tags path of repository scratch does not exist" and goes on.
    GcOutput output =
        GcOutputParser.parseAll(resource("2.8.2-dry-run-delete-untagged-b.txt"), false);

    assertThat(output.summarySeen()).isFalse();
    assertThat(output.eligibleManifests())
        .containsExactly(
            new EligibleManifest("app", B_APP_CHILD_2),
            new EligibleManifest("app", B_APP_CHILD_1),
            new EligibleManifest("app", B_APP_OLD),
            new EligibleManifest("scratch", B_SCRATCH));
    assertThat(output.unrecognizedLines()).isZero();
  }

  @Test
  void a300QuietRunPrintsNothingSoItsOutputIsNotUnderstood() throws IOException {
    // -q silences every stdout line of 3.x, the summary too: the runner never passes it.
    GcOutput output = GcOutputParser.parseAll(resource("3.0.0-quiet.txt"), true);

    assertThat(output.summarySeen()).isFalse();
    assertThat(output.eligibleBlobs()).isEmpty();
    assertThat(output.eligibleManifests()).isEmpty();
    assertThat(output.eligibleLayerLinks()).isEmpty();
    assertThat(output.markedReferences()).isEmpty();
    assertThat(output.unrecognizedLines()).isZero();
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

  private static Set<String> distinctMarked(GcOutput output) {
    Set<String> marked = new HashSet<>();
    output
        .markedReferences()
        .values()
        .forEach(
            manifests ->
                manifests.forEach(
                    (manifest, references) -> {
                      marked.add(manifest.substring(manifest.indexOf('@') + 1));
                      marked.addAll(references);
                    }));
    return marked;
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
