package dev.registryoperator.fakecluster;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One request to the API server, as RBAC sees it: verb, API group, resource, subresource, namespace
 * (empty when cluster-wide) and name, read from the method and path the way kube-apiserver's
 * request info does it. GET on a name is {@code get}, on a collection {@code list}, with {@code
 * watch=true} {@code watch}; POST is {@code create}, PUT {@code update}, PATCH {@code patch};
 * DELETE on a name {@code delete}, on a collection {@code deletecollection}. {@code userAgent}
 * tells whose client sent it.
 */
public record ApiRequest(
    String userAgent,
    String verb,
    String group,
    String resource,
    String subresource,
    String namespace,
    String name) {

  /** The resource with its subresource, as an RBAC rule names it ({@code registries/status}). */
  public String resourcePath() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }

  /**
   * The request, or empty for a path that names no resource (discovery, {@code /version}, {@code
   * /healthz}).
   */
  public static Optional<ApiRequest> parse(String method, String path, String userAgent) {
    if (method == null || path == null) {
      return Optional.empty();
    }
    int q = path.indexOf('?');
    String bare = q < 0 ? path : path.substring(0, q);
    boolean watch =
        q >= 0
            && Arrays.stream(path.substring(q + 1).split("&"))
                .map(p -> URLDecoder.decode(p, StandardCharsets.UTF_8))
                .anyMatch(p -> p.equals("watch=true") || p.equals("watch=1"));
    List<String> parts = Arrays.stream(bare.split("/")).filter(s -> !s.isEmpty()).toList();
    String group;
    int at;
    if (parts.size() >= 2 && parts.get(0).equals("api")) {
      group = "";
      at = 2;
    } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      at = 3;
    } else {
      return Optional.empty();
    }
    List<String> rest = parts.subList(at, parts.size());
    if (rest.isEmpty()) {
      return Optional.empty();
    }
    String namespace = "";
    if (rest.get(0).equals("namespaces") && rest.size() >= 3) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    String resource = rest.get(0);
    String name = rest.size() > 1 ? rest.get(1) : "";
    String subresource = rest.size() > 2 ? String.join("/", rest.subList(2, rest.size())) : "";
    if (resource.equals("namespaces") && !name.isEmpty() && namespace.isEmpty()) {
      namespace = name; // a namespace object is in itself, as kube-apiserver says
    }
    String verb =
        switch (method.toUpperCase()) {
          case "GET", "HEAD" -> watch ? "watch" : name.isEmpty() ? "list" : "get";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
          default -> method.toLowerCase();
        };
    return Optional.of(
        new ApiRequest(
            userAgent == null ? "" : userAgent,
            verb,
            group,
            resource,
            subresource,
            namespace,
            name));
  }
}
