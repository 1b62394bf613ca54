package dev.registryoperator.gcrunner;

/**
 * A tag's current manifest: {@code repositories/<repository>/_manifests/tags/<tag>/current/link}.
 */
public record TaggedManifest(String repository, String tag, String digest) {
  public String reference() {
    return repository + ":" + tag;
  }
}
