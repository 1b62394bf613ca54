package dev.registryoperator.gcrunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registry's S3 storage as one listing of its keys, taken after a run, with link and manifest
 * objects read on demand: what the image graph and the integrity check read, as {@link
 * StorageReader} and {@link PresenceIndex} read a filesystem. Keys are relative to {@code
 * docker/registry/v2/} (e.g. {@code blobs/sha256/ab/abcd.../data}).
 */
final class S3Listing implements StorageView, Presence {
  private static final String REPOSITORIES = "repositories/";
  private static final String MANIFESTS = "/_manifests/";

  private final S3Storage s3;
  private final Set<String> keys;
  private final Map<String, Manifest> manifests = new ConcurrentHashMap<>();

  S3Listing(S3Storage s3, Set<String> keys) {
    this.s3 = s3;
    this.keys = keys;
  }

  static S3Listing of(S3Storage s3) throws IOException {
    return new S3Listing(s3, s3.keys(S3Storage.ROOT));
  }

  /** Only the repositories (tags, revisions, layer links), without the blobs: a shorter listing. */
  static S3Listing ofRepositories(S3Storage s3) throws IOException {
    Set<String> keys = new HashSet<>();
    for (String key : s3.keys(S3Storage.ROOT + REPOSITORIES)) {
      keys.add(REPOSITORIES + key);
    }
    return new S3Listing(s3, keys);
  }

  /** Every key, relative to {@code docker/registry/v2/}. */
  Set<String> keys() {
    return keys;
  }

  /** The digests of every blob with a {@code data} object. */
  Set<String> blobDigests() {
    Set<String> digests = new HashSet<>();
    for (String key : keys) {
      if (key.startsWith("blobs/")) {
        String digest = S3Storage.digestOf(key.substring("blobs/".length()));
        if (digest != null) {
          digests.add(digest);
        }
      }
    }
    return digests;
  }

  @Override
  public List<String> repositories() {
    Set<String> names = new TreeSet<>();
    for (String key : keys) {
      int manifests = key.indexOf(MANIFESTS);
      if (key.startsWith(REPOSITORIES) && manifests > REPOSITORIES.length()) {
        names.add(key.substring(REPOSITORIES.length(), manifests));
      }
    }
    return new ArrayList<>(names);
  }

  @Override
  public List<TaggedManifest> tags(String repository) throws IOException {
    String prefix = REPOSITORIES + repository + MANIFESTS + "tags/";
    List<TaggedManifest> tags = new ArrayList<>();
    for (String key : keys) {
      if (key.startsWith(prefix) && key.endsWith("/current/link")) {
        String tag = key.substring(prefix.length(), key.length() - "/current/link".length());
        if (!tag.contains("/")) {
          byte[] link = s3.read(S3Storage.ROOT + key);
          if (link != null) {
            tags.add(
                new TaggedManifest(
                    repository, tag, new String(link, StandardCharsets.UTF_8).strip()));
          }
        }
      }
    }
    tags.sort((a, b) -> a.tag().compareTo(b.tag()));
    return tags;
  }

  @Override
  public Manifest manifest(String digest) throws IOException {
    Manifest cached = manifests.get(digest);
    if (cached != null) {
      return cached;
    }
    if (!Digests.isValid(digest)) {
      return null;
    }
    byte[] data = s3.read(S3Storage.ROOT + dataKey(digest));
    if (data == null) {
      return null;
    }
    Manifest manifest = Manifest.parse(data);
    manifests.put(digest, manifest);
    return manifest;
  }

  @Override
  public List<String> revisions(String repository) {
    String prefix = REPOSITORIES + repository + MANIFESTS + "revisions/";
    List<String> digests = new ArrayList<>();
    for (String key : keys) {
      if (key.startsWith(prefix) && key.endsWith("/link")) {
        String[] parts = key.substring(prefix.length()).split("/");
        if (parts.length == 3 && Digests.isValid(parts[0] + ":" + parts[1])) {
          digests.add(parts[0] + ":" + parts[1]);
        }
      }
    }
    digests.sort(null);
    return digests;
  }

  @Override
  public boolean hasRevision(String repository, String digest) {
    return revision(repository, digest).orElse(false);
  }

  @Override
  public Optional<Boolean> blob(String digest) {
    return Optional.of(keys.contains(dataKey(digest)));
  }

  @Override
  public Optional<Boolean> revision(String repository, String digest) {
    return Optional.of(keys.contains(link(repository, "_manifests/revisions/", digest)));
  }

  @Override
  public Optional<Boolean> layer(String repository, String digest) {
    return Optional.of(keys.contains(link(repository, "_layers/", digest)));
  }

  private static String dataKey(String digest) {
    String[] parts = split(digest);
    return "blobs/" + parts[0] + "/" + parts[1].substring(0, 2) + "/" + parts[1] + "/data";
  }

  private static String link(String repository, String kind, String digest) {
    String[] parts = split(digest);
    return REPOSITORIES + repository + "/" + kind + parts[0] + "/" + parts[1] + "/link";
  }

  private static String[] split(String digest) {
    if (!Digests.isValid(digest)) {
      throw new IllegalArgumentException("not a digest: " + digest);
    }
    int colon = digest.indexOf(':');
    return new String[] {digest.substring(0, colon), digest.substring(colon + 1)};
  }
}
