package dev.registryoperator.gcrunner.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Pulls an image the way a client does (manifest, then children, config and layers) and checks
 * every digest by recomputing sha256 over what the registry returned.
 */
public final class ImageVerifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryClient client;

  public ImageVerifier(RegistryClient client) {
    this.client = client;
  }

  /**
   * Pulls {@code repository:reference} and verifies it; {@code expectedDigest} may be null.
   *
   * @return the digests of everything pulled (manifests and blobs)
   * @throws AssertionError when anything is missing or does not match its digest
   */
  public Set<String> pull(String repository, String reference, String expectedDigest)
      throws IOException {
    Set<String> pulled = new LinkedHashSet<>();
    pullManifest(repository, reference, expectedDigest, pulled);
    return pulled;
  }

  public Set<String> pull(PushedImage image) throws IOException {
    return pull(
        image.repository(), image.tag() == null ? image.digest() : image.tag(), image.digest());
  }

  private void pullManifest(
      String repository, String reference, String expectedDigest, Set<String> pulled)
      throws IOException {
    RegistryClient.Fetched manifest = client.getManifest(repository, reference);
    String where = repository + (reference.contains(":") ? "@" : ":") + reference;
    if (manifest.status() != 200) {
      throw new AssertionError("manifest " + where + ": HTTP " + manifest.status());
    }
    String actual = RegistryClient.sha256(manifest.body());
    if (expectedDigest != null && !actual.equals(expectedDigest)) {
      throw new AssertionError(
          "manifest " + where + " has digest " + actual + ", expected " + expectedDigest);
    }
    if (!manifest.dockerContentDigest().isEmpty()
        && !manifest.dockerContentDigest().equals(actual)) {
      throw new AssertionError(
          "manifest "
              + where
              + ": Docker-Content-Digest "
              + manifest.dockerContentDigest()
              + " but the body hashes to "
              + actual);
    }
    pulled.add(actual);
    JsonNode json = JSON.readTree(manifest.body());
    for (JsonNode child : json.path("manifests")) {
      String digest = child.path("digest").asText();
      pullManifest(repository, digest, digest, pulled);
    }
    if (json.has("config")) {
      pullBlob(repository, json.path("config").path("digest").asText(), pulled);
    }
    for (JsonNode layer : json.path("layers")) {
      pullBlob(repository, layer.path("digest").asText(), pulled);
    }
  }

  private void pullBlob(String repository, String digest, Set<String> pulled) throws IOException {
    RegistryClient.Fetched blob = client.getBlob(repository, digest);
    if (blob.status() != 200) {
      throw new AssertionError("blob " + repository + "@" + digest + ": HTTP " + blob.status());
    }
    String actual = RegistryClient.sha256(blob.body());
    if (!actual.equals(digest)) {
      throw new AssertionError("blob " + repository + "@" + digest + " hashes to " + actual);
    }
    pulled.add(digest);
  }
}
