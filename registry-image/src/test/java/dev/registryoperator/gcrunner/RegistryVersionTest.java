package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RegistryVersionTest {
  @Test
  void parsesDebian282() {
    RegistryVersion version =
        RegistryVersion.parse("docker-registry github.com/docker/distribution 2.8.2+ds1\n");
    assertThat(version.display()).isEqualTo("2.8.2");
    assertThat(version.major()).isEqualTo(2);
    assertThat(version.hasMultiArchDeletionBug()).isTrue();
    assertThat(version.collectsOnlyBlobs()).isTrue();
  }

  @Test
  void parsesDistribution3() {
    RegistryVersion version =
        RegistryVersion.parse("registry github.com/distribution/distribution/v3 v3.0.0");
    assertThat(version.display()).isEqualTo("3.0.0");
    assertThat(version.major()).isEqualTo(3);
    assertThat(version.hasMultiArchDeletionBug()).isFalse();
    assertThat(version.collectsOnlyBlobs()).as("3.x also removes layer links").isFalse();
  }

  @Test
  void parsesPrereleasesAndBuildMetadata() {
    assertThat(
            RegistryVersion.parse("registry github.com/distribution/distribution/v3 v3.0.0-rc.2")
                .display())
        .isEqualTo("3.0.0-rc.2");
    assertThat(
            RegistryVersion.parse("registry github.com/distribution/distribution/v3 v3.1.0+unknown")
                .display())
        .isEqualTo("3.1.0");
  }

  @Test
  void unknownOutputIsAssumedToHaveTheBug() {
    for (String output : new String[] {"", "registry: unknown flag --version", null}) {
      RegistryVersion version = RegistryVersion.parse(output);
      assertThat(version.known()).isFalse();
      assertThat(version.display()).isEqualTo("unknown");
      assertThat(version.hasMultiArchDeletionBug()).isTrue();
      assertThat(version.collectsOnlyBlobs()).isFalse();
    }
  }
}
