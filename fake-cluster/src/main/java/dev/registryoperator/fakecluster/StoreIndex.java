package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An index of the mock's store keys by resource (plural), by resource and namespace, and by
 * resource and name, in the store's order. The mock finds an object by testing every stored key
 * against the query, so each request costs time in proportion to every object stored; a query that
 * names its resource (as every request for a resource does) only needs the keys of that resource,
 * one in a namespace only those there, and one that names an object only those of that name. The
 * candidates are then tested as the mock does, so answers are the same. Not thread-safe: {@link
 * CrudApiDispatcher} serialises its use.
 */
final class StoreIndex {
  private static final String PLURAL = KubernetesAttributesExtractor.PLURAL;
  private static final String NAME = KubernetesAttributesExtractor.NAME;
  private static final String NAMESPACE = KubernetesAttributesExtractor.NAMESPACE;

  private final Map<Attribute, Set<AttributeSet>> byResource = new HashMap<>();
  private final Map<List<Attribute>, Set<AttributeSet>> byNamespace = new HashMap<>();
  private final Map<List<Attribute>, Set<AttributeSet>> byName = new HashMap<>();

  void add(AttributeSet key) {
    Attribute plural = key.getAttribute(PLURAL);
    if (plural == null) {
      return; // the mock stores every object with its plural; such a key is never a candidate
    }
    byResource.computeIfAbsent(plural, p -> new LinkedHashSet<>()).add(key);
    add(byNamespace, plural, key.getAttribute(NAMESPACE), key);
    add(byName, plural, key.getAttribute(NAME), key);
  }

  private static void add(
      Map<List<Attribute>, Set<AttributeSet>> index,
      Attribute plural,
      Attribute attribute,
      AttributeSet key) {
    if (attribute != null) {
      index.computeIfAbsent(List.of(plural, attribute), n -> new LinkedHashSet<>()).add(key);
    }
  }

  private static void remove(
      Map<List<Attribute>, Set<AttributeSet>> index,
      Attribute plural,
      Attribute attribute,
      AttributeSet key) {
    if (attribute != null) {
      List<Attribute> at = List.of(plural, attribute);
      Set<AttributeSet> keys = index.get(at);
      if (keys != null) {
        keys.remove(key);
        if (keys.isEmpty()) {
          index.remove(at);
        }
      }
    }
  }

  void remove(AttributeSet key) {
    Attribute plural = key.getAttribute(PLURAL);
    if (plural == null) {
      return;
    }
    Set<AttributeSet> keys = byResource.get(plural);
    if (keys != null) {
      keys.remove(key);
    }
    remove(byNamespace, plural, key.getAttribute(NAMESPACE), key);
    remove(byName, plural, key.getAttribute(NAME), key);
  }

  void clear() {
    byResource.clear();
    byNamespace.clear();
    byName.clear();
  }

  void rebuild(Collection<AttributeSet> keys) {
    clear();
    keys.forEach(this::add);
  }

  /**
   * The keys that can match {@code query}, in the store's order, or null when the query does not
   * narrow them (it names no resource): then every key is a candidate.
   */
  Collection<AttributeSet> candidates(AttributeSet query) {
    Attribute plural = query.getAttribute(PLURAL);
    if (!narrows(plural)) {
      return null;
    }
    Attribute name = query.getAttribute(NAME);
    if (narrows(name)) {
      return byName.getOrDefault(List.of(plural, name), Set.of());
    }
    Attribute namespace = query.getAttribute(NAMESPACE);
    if (narrows(namespace)) {
      return byNamespace.getOrDefault(List.of(plural, namespace), Set.of());
    }
    return byResource.getOrDefault(plural, Set.of());
  }

  /** Only a plain equality can narrow: a stored key matches it only if it holds that attribute. */
  private static boolean narrows(Attribute a) {
    return a != null && a.getType() == AttributeType.WITH && a.getValues().size() == 1;
  }
}
