package dev.registryoperator.fakecluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesResponseComposer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.lang.reflect.Field;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.regex.Pattern;

/**
 * The mock's CRUD dispatcher, answering as a kube-apiserver where the mock does not answer at all:
 * a JSON patch whose {@code test} operation fails (or that cannot apply) gets 422 Invalid and
 * changes nothing. The mock lets the exception escape, never answers, and the client times out.
 * Likewise a body in protobuf: kubectl 1.32 sends {@code create secret}, {@code create configmap}
 * and {@code create namespace} as {@code application/vnd.kubernetes.protobuf} (and never falls back
 * to JSON); the mock's YAML parser threw on it and never answered. Those kinds are read ({@link
 * ProtobufBodies}); any other protobuf body gets 415 UnsupportedMediaType. Any other exception the
 * mock lets escape becomes a 500 InternalError rather than a request never answered. Tests can add
 * an {@link Admission} that refuses requests (a quota, a webhook) or only looks at them.
 *
 * <p>Requests are answered one at a time (the mock's single event loop does so anyway). The mock
 * finds objects by testing every stored one against the request; here a {@link StoreIndex} gives
 * the few candidates of the request's resource and name first, so that a get, patch or update costs
 * the same with 10 or 10,000 objects stored (the scale benchmark), with the same answers.
 *
 * <p>A Job or Deployment deleted with {@code propagationPolicy: Foreground} stays, as on a
 * kube-apiserver, marked with a deletionTimestamp and the {@value #FOREGROUND_FINALIZER} finalizer,
 * until the fake garbage collector has seen its dependents go and removes that finalizer. (The mock
 * deletes an owner at once whatever the policy; other kinds still go so.)
 */
public class CrudApiDispatcher extends KubernetesCrudDispatcher {
  /**
   * What an admission webhook sees of a request here: its method, its path with the query, its body
   * (or empty).
   */
  public record AdmissionRequest(String method, String path, String body) {}

  /** An answer that refuses a request, as a kube-apiserver or an admission webhook gives it. */
  public record Refusal(int code, String reason, String message) {}

  /**
   * Looks at each request before the mock serves it, like a validating admission webhook (or a
   * ResourceQuota, which the mock does not enforce): a refusal is answered as a Status with its
   * code and nothing changes; empty lets the request through.
   */
  @FunctionalInterface
  public interface Admission {
    Optional<Refusal> review(AdmissionRequest request);
  }

  /** The finalizer of an object deleted in the foreground, as kube-apiserver names it. */
  public static final String FOREGROUND_FINALIZER = "foregroundDeletion";

  private static final Pattern FOREGROUND_KINDS =
      Pattern.compile(
          "^/apis/(batch/v1/namespaces/[^/]+/jobs|apps/v1/namespaces/[^/]+/deployments)/[^/?]+(\\?.*)?$");

  private static final Pattern FOREGROUND_POLICY =
      Pattern.compile("\"propagationPolicy\"\\s*:\\s*\"Foreground\"|propagationPolicy=Foreground");

  /** The DELETE being answered asks for foreground propagation (requests are answered in turn). */
  private boolean foregroundDelete;

  private final List<Admission> admissions = new CopyOnWriteArrayList<>();

  /** {@code /apis/<group>/<version>}: an empty list there is the mock's API resource list. */
  private static final Pattern API_RESOURCES =
      Pattern.compile("/apis(/(?<group>[a-zA-Z0-9-_.]+))?(/(?<version>[a-zA-Z0-9-_]+))");

  /** The store's keys by resource and name; rebuilt from the store when a change was not seen. */
  private final StoreIndex index = new StoreIndex();

  private boolean indexValid = true;

  /**
   * Changes kept for watches that resume from a resourceVersion (kube-apiserver keeps a window).
   */
  static final int KEPT_CHANGES = 1000;

  private final WatchHistory watches = new WatchHistory(this, KEPT_CHANGES);

  /** The mock's resource version counter, for list answers; null if it cannot be read. */
  private final AtomicLong resourceVersion = mockField("resourceVersion", AtomicLong.class);

  /** The mock's lock on its store, held while deleting; null if it cannot be read. */
  private final ReadWriteLock storeLock = mockField("lock", ReadWriteLock.class);

  public CrudApiDispatcher() {
    super(List.of());
  }

  /** Adds {@code admission}; the returned handle removes it. */
  public Runnable admit(Admission admission) {
    admissions.add(admission);
    return () -> admissions.remove(admission);
  }

  /**
   * Every request answered, in order (see {@link ApiRequest}); recorded from {@link
   * #recordRequests()} on. Guarded by itself: a copy-on-write list would copy the whole log on each
   * request, which at hundreds of thousands of requests (the scale benchmark) costs more than
   * answering them.
   */
  private final List<ApiRequest> requests = new ArrayList<>();

  private volatile boolean recording;

  /** Starts recording every request that names a resource (e.g. to check that RBAC grants each). */
  public void recordRequests() {
    recording = true;
  }

  /** The requests recorded so far. */
  public List<ApiRequest> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  @Override
  public final MockResponse dispatch(RecordedRequest request) {
    synchronized (this) {
      return dispatchInOrder(request);
    }
  }

  private MockResponse dispatchInOrder(RecordedRequest request) {
    if (recording) {
      ApiRequest.parse(request.getMethod(), request.getPath(), request.getHeader("User-Agent"))
          .ifPresent(
              r -> {
                synchronized (requests) {
                  requests.add(r);
                }
              });
    }
    if (!admissions.isEmpty()) {
      byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
      AdmissionRequest seen =
          new AdmissionRequest(
              request.getMethod(), request.getPath(), new String(body, StandardCharsets.UTF_8));
      for (Admission admission : admissions) {
        Optional<Refusal> refusal = admission.review(seen);
        if (refusal.isPresent()) {
          return status(refusal.get().code(), refusal.get().reason(), refusal.get().message());
        }
      }
    }
    return answer(request);
  }

  /** The answer to a request; a subclass may answer some paths itself, then call this. */
  protected MockResponse answer(RecordedRequest request) {
    if ("POST".equals(request.getMethod())
        && request.getPath() != null
        && request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
      return allowEverything(request);
    }
    String contentType = request.getHeader("Content-Type");
    if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("protobuf")) {
      Optional<String> json =
          request.getBody() == null
              ? Optional.empty()
              : ProtobufBodies.toJson(request.getBody().getBytes());
      if (json.isEmpty()) {
        return status(
            415,
            "UnsupportedMediaType",
            "this mock reads protobuf only for kubectl's create generators"
                + " (Secret, ConfigMap, Namespace); send JSON");
      }
      request =
          new RecordedRequest(
              request.getHttpVersion(),
              request.method(),
              request.getPath(),
              request.getHeaders().newBuilder().set("Content-Type", "application/json").build(),
              new Buffer(json.get().getBytes(StandardCharsets.UTF_8)));
    }
    foregroundDelete =
        "DELETE".equals(request.getMethod())
            && request.getPath() != null
            && FOREGROUND_KINDS.matcher(request.getPath()).matches()
            && (FOREGROUND_POLICY.matcher(request.getPath()).find()
                || (request.getBody() != null
                    && FOREGROUND_POLICY
                        .matcher(new String(request.getBody().getBytes(), StandardCharsets.UTF_8))
                        .find()));
    try {
      MockResponse response = super.dispatch(request);
      // The mock names no content type; kubectl then reads the answer as its request's (protobuf).
      if (response != null
          && response.header("Content-Type") == null
          && response.getBody() != null) {
        response.setHeader("Content-Type", "application/json");
      }
      return response;
    } catch (RuntimeException e) {
      return status(500, "InternalError", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /**
   * What the caller may do (JOSDK's leader election asks before it starts): everything, as this
   * server checks no credentials. The mock would store the review and answer it without a status.
   */
  private static MockResponse allowEverything(RecordedRequest request) {
    ObjectNode review = (ObjectNode) Serialization.unmarshal(request.getUtf8Body(), JsonNode.class);
    ObjectNode status = review.putObject("status");
    ObjectNode rule = status.putArray("resourceRules").addObject();
    rule.putArray("verbs").add("*");
    rule.putArray("apiGroups").add("*");
    rule.putArray("resources").add("*");
    status.putArray("nonResourceRules").addObject().putArray("verbs").add("*");
    status.put("incomplete", false);
    return new MockResponse()
        .setResponseCode(201)
        .setHeader("Content-Type", "application/json")
        .setBody(Serialization.asJson(review));
  }

  /** A {@code Status} answer, as a kube-apiserver gives for a failure. */
  protected static MockResponse status(int code, String reason, String message) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\""
                + String.valueOf(message).replace('\\', '/').replace('"', '\'').replace('\n', ' ')
                + "\",\"reason\":\""
                + reason
                + "\",\"code\":"
                + code
                + "}");
  }

  /**
   * Events listed with a field selector (kubectl describe, or the operator looking for a Job's
   * {@code FailedCreate}: {@code involvedObject.name=...}): the mock answers an empty list, so list
   * them all and filter here, as kube-apiserver does.
   */
  @Override
  public MockResponse handleGet(String path) {
    int query = path.indexOf('?');
    String bare = query < 0 ? path : path.substring(0, query);
    String selector =
        query < 0 ? null : EventSelectors.parameter(path.substring(query + 1), "fieldSelector");
    if (selector == null || !EventSelectors.EVENTS.matcher(bare).matches()) {
      return get(path);
    }
    MockResponse all =
        get(bare + EventSelectors.without(path.substring(query + 1), "fieldSelector"));
    if (all.code() != 200 || all.getBody() == null) {
      return all;
    }
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "application/json")
        .setBody(EventSelectors.filter(all.getBody().readUtf8(), selector));
  }

  /**
   * The mock's answer to a get or list, from the index's candidates: the first match for a name
   * (404 without one), else a list of every match in store order with the mock's resource version.
   */
  private MockResponse get(String path) {
    if (path.contains("watch=true") || resourceVersion == null) {
      return super.handleGet(path);
    }
    synchronized (this) {
      AttributeSet query = attributeExtractor.fromPath(path);
      Collection<AttributeSet> candidates = candidates(query);
      if (candidates == null) {
        return super.handleGet(path);
      }
      List<String> items = new ArrayList<>();
      for (AttributeSet key : candidates) {
        if (key.matches(query)) {
          String item = map.get(key);
          if (item != null) {
            items.add(item);
          }
        }
      }
      if (query.containsKey(KubernetesAttributesExtractor.NAME)) {
        return items.isEmpty()
            ? new MockResponse().setResponseCode(404)
            : new MockResponse().setResponseCode(200).setBody(items.get(0));
      }
      if (items.isEmpty() && API_RESOURCES.matcher(path).matches()) {
        return super.handleGet(path);
      }
      return new MockResponse()
          .setResponseCode(200)
          .setBody(
              ((KubernetesResponseComposer) responseComposer)
                  .compose(items, String.valueOf(resourceVersion.get())));
    }
  }

  /** As the mock's: the first stored entry matching {@code attributes}, from the candidates. */
  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
    synchronized (this) {
      Collection<AttributeSet> candidates = candidates(attributes);
      if (candidates == null) {
        return super.findResource(attributes);
      }
      for (AttributeSet key : candidates) {
        if (key.matches(attributes)) {
          String item = map.get(key);
          if (item != null) {
            return new AbstractMap.SimpleImmutableEntry<>(key, item);
          }
        }
      }
      return null;
    }
  }

  /**
   * Every change to the store comes here: the mock replaces {@code oldAttributes} by the new
   * state's key, which is computed as the mock does and checked against the store (a key not found
   * there means the mock changed: the index is then rebuilt from the store).
   */
  @Override
  public void processEvent(
      String path,
      AttributeSet pathAttributes,
      AttributeSet oldAttributes,
      GenericKubernetesResource resource,
      String newState) {
    synchronized (this) {
      String before = oldAttributes == null ? null : map.get(oldAttributes);
      super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
      if (oldAttributes != null) {
        index.remove(oldAttributes);
      }
      AttributeSet key = null;
      if (newState != null) {
        KubernetesAttributesExtractor extractor =
            (KubernetesAttributesExtractor) attributeExtractor;
        key = resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
        if (!key.containsKey(KubernetesAttributesExtractor.PLURAL)) {
          key = AttributeSet.merge(pathAttributes, key);
        }
        if (map.containsKey(key)) {
          index.add(key);
        } else {
          indexValid = false;
        }
      }
      if (resourceVersion != null && !Objects.equals(before, newState)) {
        // a deletion is a change with a version of its own, as in kube-apiserver
        long version = newState == null ? requestResourceVersion() : resourceVersion.get();
        watches.record(version, oldAttributes, before, key, newState);
      }
    }
  }

  @Override
  public void reset() {
    synchronized (this) {
      super.reset();
      index.clear();
      indexValid = true;
      watches.clear();
    }
  }

  /**
   * A watch as kube-apiserver serves it ({@link WatchHistory}): from the resourceVersion asked for,
   * deletions included; the mock's own would lose what changed between a list and its watch.
   */
  @Override
  public MockResponse handleWatch(String path) {
    if (resourceVersion == null) {
      return super.handleWatch(path);
    }
    synchronized (this) {
      AttributeSet query = attributeExtractor.fromPath(path);
      Map<String, String> parameters = queryParameters(path);
      String selector = parameters.getOrDefault("fieldSelector", "");
      if (selector.startsWith("metadata.name=")) {
        query =
            query.add(
                new Attribute(
                    KubernetesAttributesExtractor.NAME,
                    selector.substring("metadata.name=".length())));
      }
      String version = parameters.get("resourceVersion");
      Long from =
          version == null || version.isBlank() || version.equals("0")
              ? null
              : Long.valueOf(version);
      return new MockResponse()
          .withWebSocketUpgrade(watches.watch(query, from, () -> new ArrayList<>(map.entrySet())));
    }
  }

  private static Map<String, String> queryParameters(String path) {
    int start = path.indexOf('?');
    Map<String, String> parameters = new HashMap<>();
    if (start < 0) {
      return parameters;
    }
    for (String pair : path.substring(start + 1).split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        parameters.put(
            URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
      }
    }
    return parameters;
  }

  private Collection<AttributeSet> candidates(AttributeSet query) {
    if (!indexValid) {
      synchronized (map) {
        index.rebuild(new ArrayList<>(map.keySet()));
      }
      indexValid = true;
    }
    return index.candidates(query);
  }

  /**
   * A private field of the mock (7.5.2), or null in another version: then the mock answers lists
   * and deletes itself, by scanning its store.
   */
  private <T> T mockField(String name, Class<T> type) {
    try {
      Field field = KubernetesCrudDispatcher.class.getDeclaredField(name);
      field.setAccessible(true);
      return type.cast(field.get(this));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The mock's delete of a named object, from the index's candidates: as {@code
   * KubernetesCrudDispatcher.processDelete} (7.5.2) does, an object without finalizers goes, one
   * with finalizers is marked with a deletionTimestamp (once); the answer is the object as it was.
   */
  @Override
  public MockResponse handleDelete(String path) {
    if (storeLock == null) {
      return super.handleDelete(path);
    }
    synchronized (this) {
      AttributeSet query = attributeExtractor.fromPath(path);
      Collection<AttributeSet> candidates = candidates(query);
      if (candidates == null || !query.containsKey(KubernetesAttributesExtractor.NAME)) {
        return super.handleDelete(path);
      }
      storeLock.writeLock().lock();
      try {
        List<AttributeSet> matching = candidates.stream().filter(k -> k.matches(query)).toList();
        if (matching.isEmpty()) {
          return new MockResponse().setResponseCode(404);
        }
        String first = map.get(matching.get(0));
        for (AttributeSet key : matching) {
          GenericKubernetesResource resource =
              Serialization.unmarshal(map.get(key), GenericKubernetesResource.class);
          if (foregroundDelete
              && !resource.isMarkedForDeletion()
              && !resource.getFinalizers().contains(FOREGROUND_FINALIZER)) {
            List<String> finalizers = new ArrayList<>(resource.getFinalizers());
            finalizers.add(FOREGROUND_FINALIZER);
            resource.getMetadata().setFinalizers(finalizers);
          }
          if (resource.getFinalizers().isEmpty()) {
            processEvent(path, query, key, null, null);
          } else if (!resource.isMarkedForDeletion()) {
            resource
                .getMetadata()
                .setDeletionTimestamp(
                    ZonedDateTime.now(ZoneOffset.UTC)
                        .truncatedTo(ChronoUnit.SECONDS)
                        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            resource.getMetadata().setResourceVersion(String.valueOf(requestResourceVersion()));
            processEvent(path, query, key, resource, Serialization.asJson(resource));
          }
        }
        return new MockResponse().setResponseCode(200).setBody(first);
      } finally {
        storeLock.writeLock().unlock();
      }
    }
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    try {
      return super.handlePatch(request);
    } catch (JsonPatchException e) {
      return status(
          422, "Invalid", e.getMessage() == null ? "the patch cannot be applied" : e.getMessage());
    }
  }
}
