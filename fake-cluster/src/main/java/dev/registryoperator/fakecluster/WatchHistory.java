package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Watches as kube-apiserver serves them: a watch from a resourceVersion (an informer's, from its
 * list) first gets every change made after it, deletions included, then each change as it happens;
 * one from a resourceVersion older than the changes kept is refused with 410 Expired, so the
 * informer lists again; one without (or from "0") gets ADDED for what exists, then the changes.
 *
 * <p>The mock alone sends ADDED for what exists when the watch opens, and loses what happened
 * between the list and that moment: a deletion there stays in the informer's cache for good. Every
 * method runs under {@code lock} (the dispatcher, which serialises every request), so a watch
 * opening and a change happening never interleave.
 */
final class WatchHistory {
  private record Change(long version, AttributeSet oldKey, AttributeSet newKey, String object) {}

  private final Object lock;
  private final int kept;
  private final ArrayDeque<Change> changes = new ArrayDeque<>();
  private final Set<Watch> watches = new LinkedHashSet<>();

  /** The version of the newest change no longer kept (0: none dropped yet). */
  private long dropped;

  WatchHistory(Object lock, int kept) {
    this.lock = lock;
    this.kept = kept;
  }

  /**
   * A change of the store at {@code version}: {@code before} replaced by {@code after} (null when
   * the object went). A deleted object is sent with the deletion's version, as kube-apiserver does.
   */
  void record(long version, AttributeSet oldKey, String before, AttributeSet newKey, String after) {
    synchronized (lock) {
      String object = after != null ? after : withVersion(before, version);
      Change change = new Change(version, oldKey, after == null ? null : newKey, object);
      changes.addLast(change);
      while (changes.size() > kept) {
        dropped = changes.removeFirst().version();
      }
      watches.forEach(w -> w.send(change));
    }
  }

  void clear() {
    synchronized (lock) {
      dropped = changes.isEmpty() ? dropped : changes.peekLast().version();
      changes.clear();
    }
  }

  /**
   * A watch of what matches {@code query}, from {@code version} (null: from now, after ADDED for
   * each object in {@code store} that matches).
   */
  WebSocketListener watch(
      AttributeSet query,
      Long version,
      Supplier<Collection<Map.Entry<AttributeSet, String>>> store) {
    return new Watch(query, version, store);
  }

  private static String withVersion(String json, long version) {
    GenericKubernetesResource object =
        Serialization.unmarshal(json, GenericKubernetesResource.class);
    object.getMetadata().setResourceVersion(String.valueOf(version));
    return Serialization.asJson(object);
  }

  private final class Watch extends WebSocketListener {
    private final AttributeSet query;
    private final Long from;
    private final Supplier<Collection<Map.Entry<AttributeSet, String>>> store;
    private final ExecutorService sender =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "mock-watch");
              t.setDaemon(true);
              return t;
            });
    private volatile WebSocket socket;

    Watch(
        AttributeSet query,
        Long from,
        Supplier<Collection<Map.Entry<AttributeSet, String>>> store) {
      this.query = query;
      this.from = from;
      this.store = store;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      socket = webSocket;
      synchronized (lock) {
        if (from == null) {
          for (Map.Entry<AttributeSet, String> entry : store.get()) {
            if (entry.getKey().matches(query)) {
              enqueue("ADDED", entry.getValue());
            }
          }
        } else if (from < dropped) {
          enqueue(
              "ERROR",
              "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"metadata\":{},\"status\":\"Failure\","
                  + "\"message\":\"too old resource version: "
                  + from
                  + " ("
                  + dropped
                  + ")\",\"reason\":\"Expired\",\"code\":410}");
          sender.execute(() -> webSocket.close(1000, "expired"));
          return;
        } else {
          changes.stream().filter(c -> c.version() > from).forEach(this::send);
        }
        watches.add(this);
      }
    }

    /** As kube-apiserver: an object that enters the selection is ADDED, one that leaves DELETED. */
    void send(Change change) {
      boolean wasIn = change.oldKey() != null && change.oldKey().matches(query);
      boolean isIn = change.newKey() != null && change.newKey().matches(query);
      if (wasIn && isIn) {
        enqueue("MODIFIED", change.object());
      } else if (wasIn) {
        enqueue("DELETED", change.object());
      } else if (isIn) {
        enqueue("ADDED", change.object());
      }
    }

    private void enqueue(String type, String object) {
      String event = "{\"type\":\"" + type + "\",\"object\":" + object + "}";
      sender.execute(() -> socket.send(event));
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      webSocket.close(code, reason);
      end();
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      end();
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable error, Response response) {
      end();
    }

    private void end() {
      synchronized (lock) {
        watches.remove(this);
      }
      sender.shutdown();
    }
  }
}
