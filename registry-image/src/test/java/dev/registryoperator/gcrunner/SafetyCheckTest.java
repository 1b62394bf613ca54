package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SafetyCheckTest {
  private static final String CHILD_1 = "sha256:" + "1".repeat(64);
  private static final String CHILD_2 = "sha256:" + "2".repeat(64);
  private static final String PLAIN = "sha256:" + "3".repeat(64);
  private static final String INDEX = "sha256:" + "4".repeat(64);

  private static final Map<String, Map<String, Set<String>>> PROTECTED =
      Map.of(
          "multi", Map.of("multi:latest", Set.of(CHILD_1, CHILD_2)),
          "other", Map.of("other:v1", Set.of(PLAIN)));

  @Test
  void findsChildrenOfTaggedIndexesInTheSameRepository() {
    List<SafetyCheck.Conflict> conflicts =
        SafetyCheck.conflicts(
            List.of(
                new EligibleManifest("multi", CHILD_1),
                new EligibleManifest("multi", PLAIN),
                new EligibleManifest("app", CHILD_2)),
            PROTECTED);

    assertThat(conflicts)
        .containsExactly(new SafetyCheck.Conflict("multi", "multi:latest", CHILD_1));
  }

  @Test
  void anEligibleManifestOfUnknownRepositoryMatchesAnyRepository() {
    assertThat(SafetyCheck.conflicts(List.of(new EligibleManifest(null, PLAIN)), PROTECTED))
        .containsExactly(new SafetyCheck.Conflict("other", "other:v1", PLAIN));
  }

  @Test
  void nothingAtRisk() {
    assertThat(SafetyCheck.conflicts(List.of(new EligibleManifest("app", PLAIN)), PROTECTED))
        .isEmpty();
    assertThat(SafetyCheck.conflicts(List.of(), PROTECTED)).isEmpty();
  }

  @Test
  void untaggedChildrenAreThoseNoTagOfTheirRepositoryPointsTo() {
    Map<String, Map<String, Set<String>>> protectedChildren =
        Map.of(
            "multi",
            Map.of("multi:latest", Set.of(CHILD_1, CHILD_2), "multi:old", Set.of(CHILD_2)),
            "other",
            Map.of("other:v1", Set.of(PLAIN)),
            "tagged",
            Map.of("tagged:v1", Set.of(CHILD_1)));

    assertThat(
            SafetyCheck.untaggedChildren(
                protectedChildren,
                Map.of(
                    "multi", Set.of(INDEX),
                    "other", Set.of(INDEX),
                    "tagged", Set.of(INDEX, CHILD_1),
                    "web", Set.of(PLAIN))))
        .containsExactlyInAnyOrder(
            new EligibleManifest("multi", CHILD_1),
            new EligibleManifest("multi", CHILD_2),
            new EligibleManifest("other", PLAIN));
  }

  @Test
  void childrenTaggedTooAreNotAtRisk() {
    Map<String, Map<String, Set<String>>> protectedChildren =
        Map.of("multi", Map.of("multi:latest", Set.of(CHILD_1, CHILD_2)));

    assertThat(
            SafetyCheck.conflicts(
                SafetyCheck.untaggedChildren(
                    protectedChildren, Map.of("multi", Set.of(INDEX, CHILD_2))),
                protectedChildren))
        .containsExactly(new SafetyCheck.Conflict("multi", "multi:latest", CHILD_1));
    assertThat(
            SafetyCheck.untaggedChildren(
                protectedChildren, Map.of("multi", Set.of(INDEX, CHILD_1, CHILD_2))))
        .isEmpty();
    assertThat(SafetyCheck.untaggedChildren(Map.of(), Map.of("multi", Set.of(INDEX)))).isEmpty();
  }

  @Test
  void refusalNamesEveryAffectedImage() {
    String message =
        SafetyCheck.refusal(
            List.of(
                new SafetyCheck.Conflict("multi", "multi:latest", CHILD_1),
                new SafetyCheck.Conflict("multi", "multi:latest", CHILD_2),
                new SafetyCheck.Conflict("other", "other:v1", PLAIN)),
            RegistryVersion.parse("docker-registry github.com/docker/distribution 2.8.2+ds1"));

    assertThat(message)
        .contains(
            "registry 2.8.2",
            "3 child manifest(s)",
            "multi:latest, other:v1",
            "nothing was deleted");
  }
}
