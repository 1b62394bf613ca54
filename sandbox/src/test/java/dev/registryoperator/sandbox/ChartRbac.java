package dev.registryoperator.sandbox;

import dev.registryoperator.fakecluster.ApiRequest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The RBAC of the Helm chart ({@code charts/registry-operator}), rendered ({@link RenderedChart})
 * for a release {@code registry-operator} in a namespace: what the operator's ServiceAccount may
 * do, where. A grant is a rule and its scope: every namespace (a ClusterRole bound by a
 * ClusterRoleBinding) or one namespace (a Role or ClusterRole bound by a RoleBinding there).
 */
final class ChartRbac {
  static final String RELEASE = RenderedChart.RELEASE;

  /**
   * A rule the ServiceAccount holds, in {@code namespace} or, when null, in every namespace and
   * cluster-wide.
   */
  record Grant(String namespace, PolicyRule rule, String from) {}

  final List<HasMetadata> objects;
  final List<Grant> grants;
  final String releaseNamespace;

  private ChartRbac(String releaseNamespace, List<HasMetadata> objects) {
    this.releaseNamespace = releaseNamespace;
    this.objects = objects;
    this.grants = grants(releaseNamespace, objects);
  }

  /**
   * The chart rendered for a release in {@code namespace}, with {@code watchNamespaces} as its
   * value.
   */
  static ChartRbac render(String namespace, List<String> watchNamespaces) {
    return render(namespace, watchNamespaces, "");
  }

  /** The same with more {@code values} (YAML), such as {@code retention.protectWorkloads}. */
  static ChartRbac render(String namespace, List<String> watchNamespaces, String values) {
    StringBuilder all = new StringBuilder("watchNamespaces: [");
    all.append(String.join(", ", watchNamespaces.stream().map(n -> '"' + n + '"').toList()));
    all.append("]\n").append(values);
    return new ChartRbac(namespace, RenderedChart.render(namespace, all.toString()).objects);
  }

  /**
   * What the grants allow in every namespace, one {@code verb group/resource} each (the core group
   * empty).
   */
  Set<String> clusterWide() {
    Set<String> allowed = new TreeSet<>();
    for (Grant g : grants) {
      if (g.namespace() == null) {
        for (String group : g.rule().getApiGroups()) {
          for (String resource : g.rule().getResources()) {
            g.rule().getVerbs().forEach(verb -> allowed.add(verb + " " + group + "/" + resource));
          }
        }
      }
    }
    return allowed;
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static List<Grant> grants(String releaseNamespace, List<HasMetadata> objects) {
    List<Grant> grants = new ArrayList<>();
    for (HasMetadata o : objects) {
      if (o instanceof ClusterRoleBinding b && boundToOperator(b.getSubjects(), releaseNamespace)) {
        rulesOf(objects, b.getRoleRef(), null)
            .forEach(
                r ->
                    grants.add(
                        new Grant(null, r, "ClusterRoleBinding/" + b.getMetadata().getName())));
      } else if (o instanceof RoleBinding b && boundToOperator(b.getSubjects(), releaseNamespace)) {
        String ns = b.getMetadata().getNamespace();
        rulesOf(objects, b.getRoleRef(), ns)
            .forEach(
                r ->
                    grants.add(
                        new Grant(ns, r, "RoleBinding/" + ns + "/" + b.getMetadata().getName())));
      }
    }
    return grants;
  }

  private static boolean boundToOperator(List<Subject> subjects, String releaseNamespace) {
    return subjects != null
        && subjects.stream()
            .anyMatch(
                s ->
                    "ServiceAccount".equals(s.getKind())
                        && RELEASE.equals(s.getName())
                        && releaseNamespace.equals(s.getNamespace()));
  }

  private static List<PolicyRule> rulesOf(
      List<HasMetadata> objects, RoleRef ref, String namespace) {
    for (HasMetadata o : objects) {
      if (o instanceof ClusterRole r
          && "ClusterRole".equals(ref.getKind())
          && r.getMetadata().getName().equals(ref.getName())) {
        return r.getRules();
      }
      if (o instanceof Role r
          && "Role".equals(ref.getKind())
          && r.getMetadata().getName().equals(ref.getName())
          && Objects.equals(r.getMetadata().getNamespace(), namespace)) {
        return r.getRules();
      }
    }
    throw new AssertionError(
        "the chart binds "
            + ref.getKind()
            + " "
            + ref.getName()
            + ", which it does not render"
            + (namespace == null ? "" : " in " + namespace));
  }

  /**
   * Requests every authenticated user may make (the system:basic-user role): a review of one's own
   * rights.
   */
  static boolean everyUserMay(ApiRequest r) {
    return r.group().equals("authorization.k8s.io")
        && r.verb().equals("create")
        && Set.of("selfsubjectrulesreviews", "selfsubjectaccessreviews").contains(r.resource());
  }

  boolean allows(ApiRequest r) {
    return grants.stream().anyMatch(g -> covers(g, r));
  }

  private static boolean covers(Grant g, ApiRequest r) {
    if (g.namespace() != null && !g.namespace().equals(r.namespace())) {
      return false;
    }
    PolicyRule rule = g.rule();
    return matches(rule.getApiGroups(), r.group())
        && matches(rule.getResources(), r.resourcePath())
        && matches(rule.getVerbs(), r.verb())
        && (rule.getResourceNames() == null
            || rule.getResourceNames().isEmpty()
            || rule.getResourceNames().contains(r.name()));
  }

  private static boolean matches(List<String> allowed, String value) {
    return allowed != null && (allowed.contains(value) || allowed.contains("*"));
  }

  /** Each (scope, group, resource, verb) a grant gives that none of {@code requests} used. */
  Set<String> unused(List<ApiRequest> requests) {
    Set<String> unused = new TreeSet<>();
    for (Grant g : grants) {
      for (String group : g.rule().getApiGroups()) {
        for (String resource : g.rule().getResources()) {
          for (String verb : g.rule().getVerbs()) {
            PolicyRule one =
                new PolicyRule(
                    List.of(group),
                    List.of(),
                    g.rule().getResourceNames(),
                    List.of(resource),
                    List.of(verb));
            Grant single = new Grant(g.namespace(), one, g.from());
            if (requests.stream().noneMatch(r -> covers(single, r))) {
              unused.add(
                  verb
                      + " "
                      + (group.isEmpty() ? "\"\"" : group)
                      + " "
                      + resource
                      + " in "
                      + Optional.ofNullable(g.namespace()).orElse("all namespaces")
                      + " ("
                      + g.from()
                      + ")");
            }
          }
        }
      }
    }
    return unused;
  }

  static String describe(ApiRequest r) {
    return r.verb()
        + " "
        + (r.group().isEmpty() ? "\"\"" : r.group())
        + " "
        + r.resourcePath()
        + " in "
        + (r.namespace().isEmpty() ? "all namespaces" : r.namespace());
  }
}
