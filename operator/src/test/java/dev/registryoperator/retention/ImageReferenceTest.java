package dev.registryoperator.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
  static final String DIGEST =
      "sha256:4bf4c0f1f3f0a6e5c2b5e2e1c3d4a5b6c7d8e9f00112233445566778899aabbcc";

  @Test
  void hostRepositoryTagAndDigestAreSplitAsTheReferenceGrammarSplitsThem() {
    assertParsed(
        "registry.example.com/team/app:v1", "registry.example.com", "team/app", "v1", null);
    assertParsed("registry.example.com:5000/app", "registry.example.com:5000", "app", null, null);
    assertParsed("localhost:5000/app:v1", "localhost:5000", "app", "v1", null);
    assertParsed("localhost/app:v1", "localhost", "app", "v1", null);
    assertParsed(
        "images.team-a.svc:5000/a/b/c:1.2.3-rc.1",
        "images.team-a.svc:5000",
        "a/b/c",
        "1.2.3-rc.1",
        null);
    assertParsed("10.96.0.12:5000/app:v1", "10.96.0.12:5000", "app", "v1", null);
    assertParsed("[fd00::12]:5000/app:v1", "[fd00::12]:5000", "app", "v1", null);
    assertParsed("reg.example.com/app@" + DIGEST, "reg.example.com", "app", null, DIGEST);
    assertParsed(
        "reg.example.com:5000/app:v1@" + DIGEST, "reg.example.com:5000", "app", "v1", DIGEST);
    assertParsed("my-registry:5000/app:v1", "my-registry:5000", "app", "v1", null);
  }

  @Test
  void hostsAreCaseInsensitiveAndAnUpperCaseFirstComponentIsAHost() {
    assertParsed("Registry.Example.COM/app:v1", "registry.example.com", "app", "v1", null);
    assertParsed("LOCALHOST:5000/app:v1", "localhost:5000", "app", "v1", null);
    assertParsed("Images/app:v1", "images", "app", "v1", null);
  }

  @Test
  void withoutADotColonOrLocalhostTheFirstComponentIsPartOfTheRepository() {
    assertParsed("nginx", null, "nginx", null, null);
    assertParsed("nginx:1.25", null, "nginx", "1.25", null);
    assertParsed("library/nginx:1.25", null, "library/nginx", "1.25", null);
    assertParsed("images/app:v1", null, "images/app", "v1", null);
    assertParsed("my_org/my__app:v1", null, "my_org/my__app", "v1", null);
    assertParsed("docker.io/library/nginx", "docker.io", "library/nginx", null, null);
  }

  @Test
  void whatTheRegistryHoldsIsTheDigestWhenPinnedElseTheTagElseLatest() {
    assertThat(inRegistry("reg.example.com/team/app:v1")).isEqualTo("team/app:v1");
    assertThat(inRegistry("reg.example.com/team/app")).isEqualTo("team/app:latest");
    assertThat(inRegistry("reg.example.com/team/app@" + DIGEST)).isEqualTo("team/app@" + DIGEST);
    assertThat(inRegistry("reg.example.com/team/app:v1@" + DIGEST)).isEqualTo("team/app@" + DIGEST);
  }

  @Test
  void whatNoRuntimeCouldPullIsNotAReference() {
    for (String bad :
        List.of(
            "",
            "reg.example.com/Team/app:v1",
            "reg.example.com/app:",
            "reg.example.com/app:v1:v2",
            "reg.example.com/app@sha256:abc",
            "reg.example.com/app@" + DIGEST + "@" + DIGEST,
            "reg.example.com:99999/app",
            "https://reg.example.com/app",
            "reg.example.com/",
            "reg.example.com//app",
            "reg.example.com/app/",
            "reg.example.com/-app",
            "reg.example.com/app:-v1")) {
      assertThat(ImageReference.parse(bad)).as(bad).isEmpty();
    }
    assertThat(ImageReference.parse(null)).isEmpty();
  }

  @Test
  void aPodsImageIdIsReadByDigestWhateverTheRuntimePutsBeforeIt() {
    assertThat(ImageReference.parseImageId("docker-pullable://reg.example.com:5000/app@" + DIGEST))
        .hasValue(new ImageReference("reg.example.com:5000", "app", null, DIGEST));
    assertThat(ImageReference.parseImageId("reg.example.com:5000/team/app@" + DIGEST))
        .hasValue(new ImageReference("reg.example.com:5000", "team/app", null, DIGEST));
    assertThat(ImageReference.parseImageId("Localhost:30500/app@" + DIGEST))
        .hasValue(new ImageReference("localhost:30500", "app", null, DIGEST));
  }

  @Test
  void anImageIdWithoutRepositoryAndDigestSaysNothingAboutWhereItCameFrom() {
    assertThat(ImageReference.parseImageId(DIGEST)).isEmpty();
    assertThat(ImageReference.parseImageId("docker://" + DIGEST)).isEmpty();
    assertThat(ImageReference.parseImageId("reg.example.com/app:v1")).isEmpty();
    assertThat(ImageReference.parseImageId("")).isEmpty();
    assertThat(ImageReference.parseImageId(null)).isEmpty();
  }

  @Test
  void hostsAreCheckedAsHostPort() {
    assertThat(ImageReference.isHost("registry.example.com")).isTrue();
    assertThat(ImageReference.isHost("localhost:30500")).isTrue();
    assertThat(ImageReference.isHost("[::1]:5000")).isTrue();
    assertThat(ImageReference.isHost("registry.example.com:65536")).isFalse();
    assertThat(ImageReference.isHost("registry.example.com/x")).isFalse();
    assertThat(ImageReference.isHost(null)).isFalse();
  }

  private static String inRegistry(String image) {
    return ImageReference.parse(image).orElseThrow().inRegistry();
  }

  private static void assertParsed(
      String image, String host, String repository, String tag, String digest) {
    assertThat(ImageReference.parse(image))
        .as(image)
        .hasValue(new ImageReference(host, repository, tag, digest));
  }
}
