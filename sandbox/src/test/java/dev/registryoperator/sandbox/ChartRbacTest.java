package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The chart's RBAC as rendered (helm-java): scopes and names, with and without {@code
 * watchNamespaces} and {@code retention.protectWorkloads}.
 */
class ChartRbacTest {
  private static final Set<String> WORKLOADS =
      Set.of("secrets", "deployments", "jobs", "pods", "services", "persistentvolumeclaims");

  private static final String NO_WORKLOAD_PROTECTION = "retention: {protectWorkloads: false}\n";

  /** What retention.protectWorkloads needs in every namespace (WorkloadImages). */
  private static final Set<String> WORKLOAD_LIST =
      Set.of(
          "list /pods",
          "list apps/deployments",
          "list apps/statefulsets",
          "list apps/daemonsets",
          "list batch/jobs",
          "list batch/cronjobs");

  @Test
  void allNamespacesGetOneClusterRoleNamedAfterTheReleaseNamespace() {
    ChartRbac rbac = ChartRbac.render("ops", List.of());
    assertThat(rbac.all(ClusterRole.class))
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("ops-registry-operator");
    assertThat(rbac.all(ClusterRoleBinding.class))
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.getMetadata().getName()).isEqualTo("ops-registry-operator");
              assertThat(b.getRoleRef().getName()).isEqualTo("ops-registry-operator");
            });
    // Leases only in the release namespace.
    assertThat(rbac.grants.stream().filter(g -> g.rule().getResources().contains("leases")))
        .allSatisfy(g -> assertThat(g.namespace()).isEqualTo("ops"))
        .hasSize(1);
    assertThat(
            rbac.grants.stream()
                .filter(g -> g.namespace() == null)
                .flatMap(g -> g.rule().getResources().stream()))
        .doesNotContain("leases");
    assertNoWildcards(rbac);
  }

  @Test
  void twoReleasesInTwoNamespacesShareNoClusterScopedName() {
    List<String> a = clusterScopedNames(ChartRbac.render("team-a-ops", List.of()));
    List<String> b = clusterScopedNames(ChartRbac.render("team-b-ops", List.of()));
    assertThat(a).isNotEmpty().doesNotContainAnyElementsOf(b);
  }

  @Test
  void watchedNamespacesWithoutWorkloadProtectionGetRolesThereAndNoClusterWideGrant() {
    ChartRbac watched =
        ChartRbac.render("ops", List.of("team-a", "team-b"), NO_WORKLOAD_PROTECTION);

    assertThat(watched.all(ClusterRoleBinding.class)).isEmpty();
    assertThat(watched.all(ClusterRole.class)).isEmpty();
    assertThat(watched.grants).allSatisfy(g -> assertThat(g.namespace()).isNotNull());
  }

  /**
   * Retention keeps the images that workloads of any namespace use, so it lists them in every
   * namespace, watched or not: read-only, in a ClusterRole of its own.
   */
  @Test
  void watchedNamespacesGetRolesThereAndClusterWideOnlyTheListOfWorkloads() {
    ChartRbac all = ChartRbac.render("ops", List.of(), NO_WORKLOAD_PROTECTION);
    ChartRbac watched = ChartRbac.render("ops", List.of("team-a", "team-b"));

    assertThat(watched.all(ClusterRole.class))
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("ops-registry-operator-workloads");
    assertThat(watched.all(ClusterRoleBinding.class))
        .singleElement()
        .satisfies(
            b -> assertThat(b.getRoleRef().getName()).isEqualTo("ops-registry-operator-workloads"));
    assertThat(watched.clusterWide()).isEqualTo(WORKLOAD_LIST);
    assertThat(
            watched.grants.stream()
                .filter(g -> g.namespace() != null)
                .filter(g -> g.rule().getResources().stream().anyMatch(WORKLOADS::contains))
                .map(ChartRbac.Grant::namespace)
                .distinct())
        .containsExactlyInAnyOrder("team-a", "team-b");
    for (String ns : List.of("team-a", "team-b")) {
      assertThat(
              watched.all(Role.class).stream()
                  .filter(r -> ns.equals(r.getMetadata().getNamespace())))
          .singleElement()
          .satisfies(
              r ->
                  assertThat(r.getRules()).isEqualTo(all.all(ClusterRole.class).get(0).getRules()));
      assertThat(
              watched.all(RoleBinding.class).stream()
                  .filter(r -> ns.equals(r.getMetadata().getNamespace())))
          .singleElement()
          .satisfies(
              b ->
                  assertThat(b.getSubjects())
                      .singleElement()
                      .satisfies(s -> assertThat(s.getNamespace()).isEqualTo("ops")));
    }
    // Leader election stays in the release namespace, which is not watched here.
    assertThat(
            watched.grants.stream()
                .filter(g -> "ops".equals(g.namespace()))
                .flatMap(g -> g.rule().getResources().stream()))
        .containsExactly("leases");
    assertNoWildcards(watched);
  }

  /**
   * Watching all namespaces, workload protection adds to the one ClusterRole the kinds it does not
   * list yet; off, they go.
   */
  @Test
  void allNamespacesListEveryWorkloadKindOnlyWithWorkloadProtection() {
    ChartRbac on = ChartRbac.render("ops", List.of());
    ChartRbac off = ChartRbac.render("ops", List.of(), NO_WORKLOAD_PROTECTION);

    assertThat(on.clusterWide()).containsAll(WORKLOAD_LIST);
    assertThat(off.clusterWide())
        .contains("list /pods", "list apps/deployments", "list batch/jobs")
        .doesNotContain("list apps/statefulsets", "list apps/daemonsets", "list batch/cronjobs");
    Set<String> added = new java.util.TreeSet<>(on.clusterWide());
    added.removeAll(off.clusterWide());
    assertThat(added)
        .containsExactly("list apps/daemonsets", "list apps/statefulsets", "list batch/cronjobs");
    assertThat(on.all(ClusterRole.class)).hasSize(1);
  }

  private static List<String> clusterScopedNames(ChartRbac rbac) {
    return rbac.objects.stream()
        .filter(o -> o instanceof ClusterRole || o instanceof ClusterRoleBinding)
        .map(HasMetadata::getMetadata)
        .map(m -> m.getName())
        .toList();
  }

  private static void assertNoWildcards(ChartRbac rbac) {
    assertThat(rbac.grants)
        .allSatisfy(
            g -> {
              assertThat(g.rule().getVerbs()).doesNotContain("*");
              assertThat(g.rule().getResources()).doesNotContain("*");
              assertThat(g.rule().getApiGroups()).doesNotContain("*");
            });
  }
}
