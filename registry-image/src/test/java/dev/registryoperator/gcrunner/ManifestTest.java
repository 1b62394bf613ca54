package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestTest {
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  private static final String C = "sha256:" + "c".repeat(64);

  @Test
  void dockerSchema2() throws IOException {
    Manifest manifest =
        parse(
            """
                {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
                 "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"%s","size":1},
                 "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"%s","size":2},
                           {"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"%s","size":3}]}
                """
                .formatted(A, B, C));
    assertThat(manifest.isIndex()).isFalse();
    assertThat(manifest.blobs()).containsExactly(A, B, C);
    assertThat(manifest.manifests()).isEmpty();
    assertThat(manifest.subject()).isNull();
  }

  @Test
  void anOci11ReferrerNamesItsSubjectWhichIsNotOneOfItsBlobs() throws IOException {
    Manifest manifest =
        parse(
            """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "artifactType":"application/vnd.dev.cosign.artifact.sig.v1+json",
                 "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%s","size":2},
                 "layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":"%s","size":9}],
                 "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":7}}
                """
                .formatted(A, B, C));
    assertThat(manifest.subject()).isEqualTo(C);
    assertThat(manifest.blobs()).containsExactly(A, B);
    assertThat(manifest.isIndex()).isFalse();
  }

  @Test
  void ociIndexWithoutMediaTypeField() throws IOException {
    Manifest manifest =
        parse(
            """
                {"schemaVersion":2,"manifests":[
                  {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":1,
                   "platform":{"architecture":"amd64","os":"linux"},"annotations":{"a":"b"}},
                  {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":1}],
                 "annotations":{"org.opencontainers.image.created":"2024"}}
                """
                .formatted(A, B));
    assertThat(manifest.isIndex()).isTrue();
    assertThat(manifest.manifests()).containsExactly(A, B);
    assertThat(manifest.blobs()).isEmpty();
  }

  @Test
  void emptyDockerListIsStillAnIndex() throws IOException {
    Manifest manifest =
        parse(
            "{\"schemaVersion\":2,\"mediaType\":\""
                + Manifest.DOCKER_LIST
                + "\",\"manifests\":[]}");
    assertThat(manifest.isIndex()).isTrue();
  }

  @Test
  void foreignLayersAreNotStoredSoNotReferenced() throws IOException {
    Manifest manifest =
        parse(
            """
                {"schemaVersion":2,"config":{"digest":"%s"},
                 "layers":[{"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","digest":"%s",
                            "urls":["https://example.invalid/layer"]},
                           {"digest":"%s","urls":[]}]}
                """
                .formatted(A, B, C));
    assertThat(manifest.blobs()).containsExactly(A, C);
  }

  @Test
  void schema1() throws IOException {
    Manifest manifest =
        parse(
            "{\"schemaVersion\":1,\"fsLayers\":[{\"blobSum\":\""
                + A
                + "\"},{\"blobSum\":\""
                + B
                + "\"}],\"history\":[{\"v1Compatibility\":\"{}\"}]}");
    assertThat(manifest.blobs()).containsExactly(A, B);
  }

  @Test
  void rejectsNonObjects() {
    assertThatThrownBy(() -> parse("[1,2]")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> parse("{\"config\":")).isInstanceOf(IOException.class);
  }

  private static Manifest parse(String json) throws IOException {
    return Manifest.parse(json.getBytes(StandardCharsets.UTF_8));
  }
}
