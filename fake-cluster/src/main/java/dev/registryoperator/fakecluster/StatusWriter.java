package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Writes a controller's computed status only when it differs from what is stored, without writing
 * twice while the informer cache has not yet caught up with our own last write, and rewriting it if
 * someone else replaced it (the mock lets a plain update wipe the status of built-in kinds).
 */
final class StatusWriter<T extends HasMetadata, S> {
  private record Written<S>(S status, long resourceVersion) {}

  private final Function<T, S> statusOf;
  private final Map<String, Written<S>> written = new HashMap<>();

  StatusWriter(Function<T, S> statusOf) {
    this.statusOf = statusOf;
  }

  /** The status to compare with and keep condition times from. */
  S previous(T cached) {
    Written<S> w = written.get(cached.getMetadata().getUid());
    if (w != null && rv(cached) < w.resourceVersion()) {
      return w.status();
    }
    return statusOf.apply(cached);
  }

  /** What {@link #writeIfChanged} did. */
  enum Write {
    /** Nothing to write. */
    Unchanged,
    Written,
    /** The object changed or went meanwhile: nothing written, to try again. */
    Conflict
  }

  /**
   * Writes {@code computed} unless equal to {@link #previous}; {@code write} returns the stored
   * object.
   */
  Write writeIfChanged(T cached, S computed, UnaryOperator<T> write) {
    if (Objects.equals(computed, previous(cached))) {
      return Write.Unchanged;
    }
    T stored;
    try {
      stored = write.apply(cached);
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 404) {
        // changed or deleted meanwhile: like a real controller, try again on the next sync
        return Write.Conflict;
      }
      throw e;
    }
    if (stored != null) {
      written.put(cached.getMetadata().getUid(), new Written<>(computed, rv(stored)));
    }
    return Write.Written;
  }

  void forget(String uid) {
    written.remove(uid);
  }

  private static long rv(HasMetadata o) {
    try {
      return Long.parseLong(o.getMetadata().getResourceVersion());
    } catch (RuntimeException e) {
      return Long.MAX_VALUE; // not a number: trust the cache
    }
  }
}
