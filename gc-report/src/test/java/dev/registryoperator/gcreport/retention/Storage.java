package dev.registryoperator.gcreport.retention;

import dev.registryoperator.gcreport.retention.Inventory.Manifest;
import dev.registryoperator.gcreport.retention.Inventory.Repository;
import dev.registryoperator.gcreport.retention.Inventory.Tag;
import dev.registryoperator.gcreport.retention.RetentionPlan.KeptTag;
import dev.registryoperator.gcreport.retention.RetentionPlan.RepositoryPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A registry's storage as a test writes it, read into an {@link Inventory}: digests are short
 * names, push times are ages before {@link #NOW}.
 */
final class Storage {
  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  private final Map<String, Repo> repositories = new LinkedHashMap<>();
  private final Map<String, Long> blobSizes = new HashMap<>();

  Repo repo(String name) {
    return repositories.computeIfAbsent(name, Repo::new);
  }

  Storage blob(String digest, long size) {
    blobSizes.put(digest, size);
    return this;
  }

  Inventory inventory() {
    return new Inventory(
        repositories.values().stream()
            .map(r -> new Repository(r.name, r.tags, r.manifests))
            .toList(),
        blobSizes);
  }

  RetentionPlan decide(List<RetentionRule> rules) {
    return decide(rules, Protection.NONE);
  }

  RetentionPlan decide(List<RetentionRule> rules, Protection protection) {
    return RetentionDecision.decide(inventory(), rules, protection, NOW);
  }

  static Duration days(long days) {
    return Duration.ofDays(days);
  }

  static RepositoryPlan plan(RetentionPlan plan, String repository) {
    return plan.repositories().stream()
        .filter(p -> p.repository().equals(repository))
        .findFirst()
        .orElseThrow();
  }

  /** The tags of the repository that go, by name. */
  static List<String> deleted(RetentionPlan plan, String repository) {
    return plan(plan, repository).deletedTags().stream().map(t -> t.tag()).toList();
  }

  /** The tags of the repository that stay, each as "tag reason", by name. */
  static List<String> kept(RetentionPlan plan, String repository) {
    return plan(plan, repository).keptTags().stream().map(Storage::keptLine).toList();
  }

  private static String keptLine(KeptTag t) {
    return t.tag() + " " + t.reason() + (t.rule() == null ? "" : " " + t.rule());
  }

  final class Repo {
    private final String name;
    private final List<Tag> tags = new ArrayList<>();
    private final Map<String, Manifest> manifests = new HashMap<>();

    Repo(String name) {
      this.name = name;
    }

    /** A tag pushed {@code ago} before NOW, on an image of its own named {@code img-<tag>}. */
    Repo tag(String tag, Duration ago) {
      manifests.putIfAbsent("img-" + tag, new Manifest(List.of(), null, List.of(), 100));
      return tag(tag, "img-" + tag, ago);
    }

    /** A tag on {@code digest}, pushed {@code ago} before NOW. */
    Repo tag(String tag, String digest, Duration ago) {
      tags.add(new Tag(tag, digest, NOW.minus(ago)));
      return this;
    }

    /** An image manifest of {@code size} bytes naming {@code blobs}. */
    Repo image(String digest, long size, String... blobs) {
      manifests.put(digest, new Manifest(List.of(), null, List.of(blobs), size));
      return this;
    }

    /** An index of 100 bytes naming {@code children}. */
    Repo index(String digest, String... children) {
      manifests.put(digest, new Manifest(List.of(children), null, List.of(), 100));
      return this;
    }

    /** A referrer of 100 bytes about {@code subject}, naming {@code blobs}. */
    Repo referrer(String digest, String subject, String... blobs) {
      manifests.put(digest, new Manifest(List.of(), subject, List.of(blobs), 100));
      return this;
    }

    Storage storage() {
      return Storage.this;
    }
  }
}
