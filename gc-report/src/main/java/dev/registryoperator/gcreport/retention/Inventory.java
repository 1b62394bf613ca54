package dev.registryoperator.gcreport.retention;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What the GC runner read from the registry's storage: everything a retention decision needs, and
 * nothing it has to fetch. Lists and maps are copied, in a fixed order (repositories and tags by
 * name, manifests and blobs by digest), so that a plan never depends on the order storage listed
 * them in.
 *
 * @param repositories every repository of the registry
 * @param blobSizes bytes of each blob (configs, layers, manifests), by digest; global, because
 *     repositories and manifests share blobs
 */
public record Inventory(List<Repository> repositories, Map<String, Long> blobSizes) {
  public Inventory {
    repositories = sorted(repositories, Repository::name, "repository");
    blobSizes = Collections.unmodifiableSortedMap(new TreeMap<>(orEmpty(blobSizes)));
  }

  /**
   * One repository.
   *
   * @param name such as {@code team/app}
   * @param tags its tags
   * @param manifests its manifest revisions, by digest: the manifests it holds, tagged or not
   */
  public record Repository(String name, List<Tag> tags, Map<String, Manifest> manifests) {
    public Repository {
      Objects.requireNonNull(name, "name");
      tags = sorted(tags, Tag::name, "tag in " + name);
      manifests = Collections.unmodifiableSortedMap(new TreeMap<>(orEmpty(manifests)));
    }

    /**
     * The facts of the manifest {@code digest}; none for a digest the repository has no revision of
     * (a tag whose manifest is gone), which then holds nothing.
     */
    Manifest manifest(String digest) {
      return manifests.getOrDefault(digest, Manifest.UNKNOWN);
    }
  }

  /**
   * A tag.
   *
   * @param pushed when it was last pushed: the modification time of the registry's tag link,
   *     written on every push of the tag
   */
  public record Tag(String name, String digest, Instant pushed) {
    public Tag {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(digest, "digest");
      Objects.requireNonNull(pushed, "pushed");
    }
  }

  /**
   * The facts of one manifest revision that decide what else it keeps.
   *
   * @param children the manifests an index (manifest list) names; empty for an image
   * @param subject the manifest an OCI 1.1 referrer (a signature, an SBOM) is about; null for one
   *     that is about none
   * @param blobs the config and layers it names
   * @param size bytes of the manifest itself, a blob too
   */
  public record Manifest(List<String> children, String subject, List<String> blobs, long size) {
    static final Manifest UNKNOWN = new Manifest(List.of(), null, List.of(), 0);

    public Manifest {
      children = List.copyOf(orEmpty(children));
      blobs = List.copyOf(orEmpty(blobs));
    }
  }

  private static <T> List<T> sorted(List<T> items, Function<T, String> name, String what) {
    List<T> sorted = new ArrayList<>(orEmpty(items));
    sorted.sort(Comparator.comparing(name));
    for (int i = 1; i < sorted.size(); i++) {
      if (name.apply(sorted.get(i)).equals(name.apply(sorted.get(i - 1)))) {
        throw new IllegalArgumentException("duplicate " + what + ": " + name.apply(sorted.get(i)));
      }
    }
    return List.copyOf(sorted);
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }
}
