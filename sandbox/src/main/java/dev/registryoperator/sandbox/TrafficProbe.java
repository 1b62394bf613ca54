package dev.registryoperator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registryoperator.gcrunner.testkit.MediaTypes;
import dev.registryoperator.gcrunner.testkit.RegistryClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a user of the registry sees during a GC run: a pusher that pushes a small tagged image in a
 * loop and a puller that pulls one image in a loop (verifying every digest), both through the
 * Service's stable address, each request on a new connection. Every attempt is recorded with its
 * time and outcome.
 */
public final class TrafficProbe implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How an attempt ended. */
  public enum Outcome {
    /** Pushed (manifest PUT 201), or pulled and verified. */
    Ok,
    /** HTTP 405: the registry is read-only. */
    Refused,
    /** No connection, or the connection was reset: no registry behind the Service. */
    Unavailable,
    /** Any other answer, or a digest mismatch. */
    Failed
  }

  /** One push or pull, from its first request to its last answer. */
  public record Attempt(
      Instant start, Instant end, Outcome outcome, String reference, String detail) {
    public boolean overlaps(Instant from, Instant to) {
      return !start.isAfter(to) && !end.isBefore(from);
    }
  }

  /**
   * When pushes were refused: from the first refusal to the first success after the last refusal.
   */
  public record Window(Instant firstRefused, Instant firstSuccessAfter, int refusedAttempts) {
    public Duration duration() {
      return Duration.between(firstRefused, firstSuccessAfter);
    }
  }

  private final URI service;
  private final String pushRepository;
  private final Duration pause;
  private final List<Attempt> pushes = new CopyOnWriteArrayList<>();
  private final List<Attempt> pulls = new CopyOnWriteArrayList<>();
  private final List<String> pushedTags = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger counter = new AtomicInteger();
  private final Random random = new Random(42);
  private volatile boolean running = true;

  /**
   * @param service the Service's local URL; pushes go to {@code pushRepository:p<n>}
   */
  public TrafficProbe(String service, String pushRepository, Duration pause) {
    this.service = URI.create(service);
    this.pushRepository = pushRepository;
    this.pause = pause;
  }

  public TrafficProbe startPushing() {
    start("pusher", () -> pushes.add(pushOnce()));
    return this;
  }

  /** Pulls {@code repository:tag} in a loop. */
  public TrafficProbe startPulling(String repository, String tag) {
    start("puller", () -> pulls.add(pullOnce(repository, tag)));
    return this;
  }

  private void start(String name, Runnable attempt) {
    Thread t =
        new Thread(
            () -> {
              while (running) {
                attempt.run();
                try {
                  Thread.sleep(pause.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "traffic-" + name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  public List<Attempt> pushes() {
    return List.copyOf(pushes);
  }

  public List<Attempt> pulls() {
    return List.copyOf(pulls);
  }

  /** Tags of {@code pushRepository} pushed successfully (to pull back after the run). */
  public List<String> pushedTags() {
    return List.copyOf(pushedTags);
  }

  public String pushRepository() {
    return pushRepository;
  }

  /** The period pushes were refused (405 or unavailable), if they ever were. */
  public Optional<Window> refusedWindow() {
    return refusedWindow(pushes());
  }

  static Optional<Window> refusedWindow(List<Attempt> attempts) {
    int first = -1;
    int last = -1;
    int refused = 0;
    for (int i = 0; i < attempts.size(); i++) {
      if (attempts.get(i).outcome() != Outcome.Ok) {
        first = first < 0 ? i : first;
        last = i;
        refused++;
      }
    }
    if (first < 0) {
      return Optional.empty();
    }
    for (int i = last + 1; i < attempts.size(); i++) {
      if (attempts.get(i).outcome() == Outcome.Ok) {
        return Optional.of(new Window(attempts.get(first).end(), attempts.get(i).end(), refused));
      }
    }
    return Optional.empty(); // never served writes again while probed
  }

  /** Stops the loops after their current attempt. */
  @Override
  public void close() {
    running = false;
    for (Thread t : threads) {
      try {
        t.join(Duration.ofSeconds(40).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Attempt pushOnce() {
    Instant start = Instant.now();
    String tag = "p" + counter.incrementAndGet();
    String reference = pushRepository + ":" + tag;
    try {
      byte[] layer = new byte[512];
      synchronized (random) {
        random.nextBytes(layer);
      }
      String layerDigest = pushBlob(layer);
      byte[] config =
          ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"probe\":\""
                  + tag
                  + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")
              .getBytes(StandardCharsets.UTF_8);
      String configDigest = pushBlob(config);
      byte[] manifest =
          ("{\"schemaVersion\":2,\"mediaType\":\""
                  + MediaTypes.OCI_MANIFEST
                  + "\",\"config\":"
                  + "{\"mediaType\":\""
                  + MediaTypes.OCI_CONFIG
                  + "\",\"digest\":\""
                  + configDigest
                  + "\",\"size\":"
                  + config.length
                  + "},\"layers\":[{\"mediaType\":\""
                  + MediaTypes.OCI_LAYER
                  + "\",\"digest\":\""
                  + layerDigest
                  + "\",\"size\":"
                  + layer.length
                  + "}]}")
              .getBytes(StandardCharsets.UTF_8);
      PlainHttp.Response put =
          PlainHttp.send(
              "PUT",
              service.resolve("/v2/" + pushRepository + "/manifests/" + tag),
              Map.of("Content-Type", MediaTypes.OCI_MANIFEST),
              manifest);
      expect(put, 201, "PUT manifest");
      pushedTags.add(tag);
      return new Attempt(start, Instant.now(), Outcome.Ok, reference, null);
    } catch (Refused e) {
      return new Attempt(start, Instant.now(), e.outcome, reference, e.getMessage());
    } catch (IOException e) {
      return new Attempt(start, Instant.now(), Outcome.Unavailable, reference, e.toString());
    }
  }

  private String pushBlob(byte[] data) throws IOException {
    String digest = RegistryClient.sha256(data);
    PlainHttp.Response started =
        PlainHttp.send(
            "POST",
            service.resolve("/v2/" + pushRepository + "/blobs/uploads/"),
            Map.of(),
            new byte[0]);
    expect(started, 202, "POST upload");
    URI location = service.resolve(started.header("Location"));
    String separator = location.getRawQuery() == null ? "?" : "&";
    PlainHttp.Response done =
        PlainHttp.send(
            "PUT",
            URI.create(location + separator + "digest=" + digest),
            Map.of("Content-Type", "application/octet-stream"),
            data);
    expect(done, 201, "PUT upload");
    return digest;
  }

  private Attempt pullOnce(String repository, String tag) {
    Instant start = Instant.now();
    String reference = repository + ":" + tag;
    try {
      PlainHttp.Response manifest =
          PlainHttp.send(
              "GET",
              service.resolve("/v2/" + repository + "/manifests/" + tag),
              Map.of("Accept", RegistryClient.MANIFEST_ACCEPT),
              null);
      expect(manifest, 200, "GET manifest");
      String digest = RegistryClient.sha256(manifest.body());
      if (manifest.header("Docker-Content-Digest") != null
          && !digest.equals(manifest.header("Docker-Content-Digest"))) {
        throw new Refused(
            Outcome.Failed,
            "manifest digest "
                + digest
                + " but Docker-Content-Digest "
                + manifest.header("Docker-Content-Digest"));
      }
      JsonNode json = JSON.readTree(manifest.body());
      List<String> blobs = new ArrayList<>();
      if (json.has("config")) {
        blobs.add(json.path("config").path("digest").asText());
      }
      json.path("layers").forEach(l -> blobs.add(l.path("digest").asText()));
      for (String blob : blobs) {
        PlainHttp.Response data =
            PlainHttp.send(
                "GET", service.resolve("/v2/" + repository + "/blobs/" + blob), Map.of(), null);
        expect(data, 200, "GET blob " + blob);
        if (!RegistryClient.sha256(data.body()).equals(blob)) {
          throw new Refused(
              Outcome.Failed, "blob " + blob + " hashes to " + RegistryClient.sha256(data.body()));
        }
      }
      return new Attempt(start, Instant.now(), Outcome.Ok, reference, null);
    } catch (Refused e) {
      return new Attempt(start, Instant.now(), e.outcome, reference, e.getMessage());
    } catch (IOException e) {
      return new Attempt(start, Instant.now(), Outcome.Unavailable, reference, e.toString());
    }
  }

  private static void expect(PlainHttp.Response response, int status, String what) throws Refused {
    if (response.status() == status) {
      return;
    }
    String body = response.text().strip();
    String detail =
        what + ": HTTP " + response.status() + (body.isEmpty() ? "" : " " + abbreviate(body));
    throw new Refused(
        response.status() == 405
            ? Outcome.Refused
            : response.status() == 503 ? Outcome.Unavailable : Outcome.Failed,
        detail);
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  /** A push or pull step that was answered, but not as hoped. */
  private static final class Refused extends IOException {
    final Outcome outcome;

    Refused(Outcome outcome, String message) {
      super(message);
      this.outcome = outcome;
    }
  }
}
