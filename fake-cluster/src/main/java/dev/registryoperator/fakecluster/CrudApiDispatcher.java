package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The mock's CRUD dispatcher, answering as a kube-apiserver where the mock does not answer at all: a
 * JSON patch whose {@code test} operation fails (or that cannot apply) gets 422 Invalid and changes
 * nothing. The mock lets the exception escape, never answers, and the client times out. Tests can add
 * an {@link Admission} that refuses requests (a quota, a webhook) or only records them.
 */
public class CrudApiDispatcher extends KubernetesCrudDispatcher {
  /** What an admission webhook sees of a request here: its method, its path with the query, its body (or empty). */
  public record ApiRequest(String method, String path, String body) {}

  /** An answer that refuses a request, as a kube-apiserver or an admission webhook gives it. */
  public record Refusal(int code, String reason, String message) {}

  /**
   * Looks at each request before the mock serves it, like a validating admission webhook (or a
   * ResourceQuota, which the mock does not enforce): a refusal is answered as a Status with its
   * code and nothing changes; empty lets the request through.
   */
  @FunctionalInterface
  public interface Admission {
    Optional<Refusal> review(ApiRequest request);
  }

  private final List<Admission> admissions = new CopyOnWriteArrayList<>();

  public CrudApiDispatcher() {
    super(List.of());
  }

  /** Adds {@code admission}; the returned handle removes it. */
  public Runnable admit(Admission admission) {
    admissions.add(admission);
    return () -> admissions.remove(admission);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
    ApiRequest seen = new ApiRequest(request.getMethod(), request.getPath(), new String(body, java.nio.charset.StandardCharsets.UTF_8));
    for (Admission admission : admissions) {
      Optional<Refusal> refusal = admission.review(seen);
      if (refusal.isPresent()) {
        return status(refusal.get().code(), refusal.get().reason(), refusal.get().message());
      }
    }
    return super.dispatch(request);
  }

  private static MockResponse status(int code, String reason, String message) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\""
            + message.replace('\\', '/').replace('"', '\'') + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}");
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
    String selector = query < 0 ? null : EventSelectors.parameter(path.substring(query + 1), "fieldSelector");
    if (selector == null || !EventSelectors.EVENTS.matcher(bare).matches()) {
      return super.handleGet(path);
    }
    MockResponse all = super.handleGet(bare + EventSelectors.without(path.substring(query + 1), "fieldSelector"));
    if (all.code() != 200 || all.getBody() == null) {
      return all;
    }
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
        .setBody(EventSelectors.filter(all.getBody().readUtf8(), selector));
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    try {
      return super.handlePatch(request);
    } catch (JsonPatchException e) {
      String message = e.getMessage() == null ? "the patch cannot be applied" : e.getMessage();
      return status(422, "Invalid", message);
    }
  }
}
