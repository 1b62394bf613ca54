package dev.registryoperator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * An informer's store that keeps each object as {@code prune} leaves it (see {@link CachePruning}).
 * Event handlers still get the object as read; the cache, and what reconcilers read from it, holds
 * the pruned one.
 *
 * <p>Java Operator SDK gives one store instance to every informer of an event source, and it starts
 * one informer per namespace when it watches several: those informers would then list and clear
 * each other's objects. {@link #forEventSource} therefore gives a store only to an event source
 * with a single informer (the whole cluster, or one namespace).
 */
public final class PruningItemStore<T extends HasMetadata> extends BasicItemStore<T> {
  private final UnaryOperator<T> prune;

  public PruningItemStore(UnaryOperator<T> prune) {
    super(Cache::metaNamespaceKeyFunc);
    this.prune = prune;
  }

  @Override
  public T put(String key, T object) {
    return super.put(key, prune.apply(object));
  }

  /** A pruning store for an event source of the controller of {@code context}, as below. */
  public static <T extends HasMetadata> PruningItemStore<T> forEventSource(
      EventSourceContext<?> context, UnaryOperator<T> prune) {
    return forNamespaces(context.getControllerConfiguration().getEffectiveNamespaces(), prune);
  }

  /**
   * A pruning store for an event source that watches {@code namespaces} (empty: the whole cluster),
   * or null (the informer's own store) when it would be shared by several informers.
   */
  public static <T extends HasMetadata> PruningItemStore<T> forNamespaces(
      Set<String> namespaces, UnaryOperator<T> prune) {
    return namespaces.size() > 1 ? null : new PruningItemStore<>(prune);
  }
}
