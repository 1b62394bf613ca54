package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.util.List;

/**
 * The mock's CRUD dispatcher, answering as a kube-apiserver where the mock does not answer at all: a
 * JSON patch whose {@code test} operation fails (or that cannot apply) gets 422 Invalid and changes
 * nothing. The mock lets the exception escape, never answers, and the client times out.
 */
public class CrudApiDispatcher extends KubernetesCrudDispatcher {

  public CrudApiDispatcher() {
    super(List.of());
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    try {
      return super.handlePatch(request);
    } catch (JsonPatchException e) {
      String message = e.getMessage() == null ? "the patch cannot be applied" : e.getMessage();
      return new MockResponse().setResponseCode(422).setHeader("Content-Type", "application/json")
          .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\""
              + message.replace('\\', '/').replace('"', '\'') + "\",\"reason\":\"Invalid\",\"code\":422}");
    }
  }
}
