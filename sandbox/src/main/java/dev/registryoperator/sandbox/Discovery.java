package dev.registryoperator.sandbox;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscoveryBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The discovery documents a real API server serves and the CRUD mock does not: {@code /api}, {@code
 * /api/v1}, {@code /apis}, {@code /apis/<group>/<version>} and {@code /version}, for the kinds the
 * sandbox runs (core pods, services, secrets..., apps deployments, batch jobs, coordination leases,
 * CRDs) and for each installed CustomResourceDefinition (from its names, scope and subresources).
 * kubectl needs them to map {@code registries}, {@code reg} or {@code registry-operator} to a REST
 * path.
 */
final class Discovery {
  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> SUBRESOURCE_VERBS = List.of("get", "patch", "update");

  /** group/version (core: "v1") to its resources. */
  private final Map<String, List<APIResource>> groups = new LinkedHashMap<>();

  private final String serverAddress;

  Discovery(String serverAddress) {
    this.serverAddress = serverAddress;
    add("v1", resource("configmaps", "ConfigMap", true, List.of("cm"), List.of()));
    add("v1", resource("events", "Event", true, List.of("ev"), List.of()));
    add("v1", resource("namespaces", "Namespace", false, List.of("ns"), List.of()));
    add(
        "v1",
        resource(
            "persistentvolumeclaims", "PersistentVolumeClaim", true, List.of("pvc"), List.of()));
    add("v1", resource("pods", "Pod", true, List.of("po"), List.of("all")));
    add("v1", subresource("pods/log", "Pod", List.of("get")));
    add("v1", subresource("pods/status", "Pod", SUBRESOURCE_VERBS));
    add("v1", resource("secrets", "Secret", true, List.of(), List.of()));
    add("v1", resource("services", "Service", true, List.of("svc"), List.of("all")));
    add("apps/v1", resource("deployments", "Deployment", true, List.of("deploy"), List.of("all")));
    add("apps/v1", subresource("deployments/status", "Deployment", SUBRESOURCE_VERBS));
    add("apps/v1", resource("replicasets", "ReplicaSet", true, List.of("rs"), List.of("all")));
    add("batch/v1", resource("jobs", "Job", true, List.of(), List.of("all")));
    add("batch/v1", subresource("jobs/status", "Job", SUBRESOURCE_VERBS));
    add("coordination.k8s.io/v1", resource("leases", "Lease", true, List.of(), List.of()));
    add(
        "apiextensions.k8s.io/v1",
        resource(
            "customresourcedefinitions",
            "CustomResourceDefinition",
            false,
            List.of("crd", "crds"),
            List.of()));
  }

  /** Adds the served versions of a CRD (its status subresource included). */
  void addCustomResource(CustomResourceDefinition crd) {
    var spec = crd.getSpec();
    var names = spec.getNames();
    boolean namespaced = "Namespaced".equals(spec.getScope());
    for (CustomResourceDefinitionVersion version : spec.getVersions()) {
      if (!Boolean.TRUE.equals(version.getServed())) {
        continue;
      }
      String groupVersion = spec.getGroup() + "/" + version.getName();
      APIResource main =
          resource(
              names.getPlural(),
              names.getKind(),
              namespaced,
              names.getShortNames() == null ? List.of() : names.getShortNames(),
              names.getCategories() == null ? List.of() : names.getCategories());
      main.setSingularName(names.getSingular());
      groups
          .computeIfAbsent(groupVersion, g -> new ArrayList<>())
          .removeIf(r -> r.getName().startsWith(names.getPlural()));
      add(groupVersion, main);
      if (version.getSubresources() != null && version.getSubresources().getStatus() != null) {
        APIResource status =
            subresource(names.getPlural() + "/status", names.getKind(), SUBRESOURCE_VERBS);
        status.setNamespaced(namespaced);
        add(groupVersion, status);
      }
    }
  }

  /** The document for a path (query string ignored), if it is a discovery path. */
  Optional<String> document(String path) {
    String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    if (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.equals("/api")) {
      return Optional.of(
          json(
              new APIVersionsBuilder()
                  .withVersions("v1")
                  .addNewServerAddressByClientCIDR()
                  .withClientCIDR("0.0.0.0/0")
                  .withServerAddress(serverAddress)
                  .endServerAddressByClientCIDR()
                  .build()));
    }
    if (p.equals("/apis")) {
      List<APIGroup> list = new ArrayList<>();
      Map<String, List<String>> versions = new LinkedHashMap<>();
      groups.keySet().stream()
          .filter(gv -> gv.contains("/"))
          .forEach(
              gv ->
                  versions
                      .computeIfAbsent(gv.substring(0, gv.indexOf('/')), g -> new ArrayList<>())
                      .add(gv));
      versions.forEach(
          (group, gvs) ->
              list.add(
                  new APIGroupBuilder()
                      .withName(group)
                      .withVersions(
                          gvs.stream()
                              .map(
                                  gv ->
                                      new GroupVersionForDiscoveryBuilder()
                                          .withGroupVersion(gv)
                                          .withVersion(gv.substring(gv.indexOf('/') + 1))
                                          .build())
                              .toList())
                      .withPreferredVersion(
                          new GroupVersionForDiscoveryBuilder()
                              .withGroupVersion(gvs.get(0))
                              .withVersion(gvs.get(0).substring(gvs.get(0).indexOf('/') + 1))
                              .build())
                      .build()));
      return Optional.of(json(new APIGroupListBuilder().withGroups(list).build()));
    }
    if (p.equals("/version")) {
      return Optional.of(
          "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0-registry-operator-sandbox\","
              + "\"gitCommit\":\"\",\"gitTreeState\":\"clean\",\"buildDate\":\"2025-01-01T00:00:00Z\","
              + "\"goVersion\":\"\",\"compiler\":\"gc\",\"platform\":\"linux/amd64\"}");
    }
    String groupVersion =
        p.equals("/api/v1") ? "v1" : p.startsWith("/apis/") ? p.substring("/apis/".length()) : null;
    if (groupVersion != null) {
      List<APIResource> resources = groups.get(groupVersion);
      if (resources != null) {
        return Optional.of(
            json(
                new APIResourceListBuilder()
                    .withGroupVersion(groupVersion)
                    .withResources(resources)
                    .build()));
      }
      if (!groupVersion.contains("/")) { // /apis/<group>: the group alone
        String group = groupVersion;
        List<String> gvs =
            groups.keySet().stream().filter(gv -> gv.startsWith(group + "/")).toList();
        if (!gvs.isEmpty()) {
          return Optional.of(
              json(
                  new APIGroupBuilder()
                      .withName(group)
                      .withVersions(
                          gvs.stream()
                              .map(
                                  gv ->
                                      new GroupVersionForDiscoveryBuilder()
                                          .withGroupVersion(gv)
                                          .withVersion(gv.substring(gv.indexOf('/') + 1))
                                          .build())
                              .toList())
                      .withPreferredVersion(
                          new GroupVersionForDiscoveryBuilder()
                              .withGroupVersion(gvs.get(0))
                              .withVersion(gvs.get(0).substring(gvs.get(0).indexOf('/') + 1))
                              .build())
                      .build()));
        }
      }
    }
    return Optional.empty();
  }

  private void add(String groupVersion, APIResource resource) {
    groups.computeIfAbsent(groupVersion, g -> new ArrayList<>()).add(resource);
  }

  private static APIResource resource(
      String plural,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories) {
    return new APIResourceBuilder()
        .withName(plural)
        .withSingularName(kind.toLowerCase())
        .withKind(kind)
        .withNamespaced(namespaced)
        .withVerbs(VERBS)
        .withShortNames(shortNames.isEmpty() ? null : shortNames)
        .withCategories(categories.isEmpty() ? null : categories)
        .build();
  }

  private static APIResource subresource(String name, String kind, List<String> verbs) {
    return new APIResourceBuilder()
        .withName(name)
        .withSingularName("")
        .withKind(kind)
        .withNamespaced(true)
        .withVerbs(verbs)
        .build();
  }

  private static String json(Object document) {
    return Serialization.asJson(document);
  }
}
