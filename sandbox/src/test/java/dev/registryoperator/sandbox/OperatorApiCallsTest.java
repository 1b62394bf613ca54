package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.fakecluster.ApiRequest;
import dev.registryoperator.registry.MaintenanceMode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Records every API request the operator makes (its client's User-Agent tells them apart from the
 * fake cluster's and the test's) through a representative set of end-to-end scenarios against real
 * registry processes: a Registry created, edited and deleted, a Registry whose Secrets are missing,
 * a GC run in each mode, a GcSchedule deleted mid-run. Then checks that the Helm chart's RBAC
 * grants each request and nothing beyond ({@link ChartRbac}): a verb the operator never used must
 * not be granted. The list is data: when the reconcilers change what they call, this test says what
 * the chart lacks or grants too much.
 */
class OperatorApiCallsTest {
  static final String RELEASE_NAMESPACE = "registry-system";

  @Test
  void theChartGrantsExactlyTheRequestsTheOperatorMakes() throws Exception {
    List<ApiRequest> requests = recordOperatorRequests();
    Set<String> seen = new TreeSet<>();
    for (ApiRequest r : requests) {
      seen.add(
          String.format(
              "%-16s %-22s %-30s %s",
              r.verb(),
              r.group().isEmpty() ? "\"\"" : r.group(),
              r.resourcePath(),
              r.namespace().isEmpty() ? "(all namespaces)" : r.namespace()));
    }
    System.out.println(
        "API requests of the operator (" + requests.size() + "):\n  " + String.join("\n  ", seen));

    ChartRbac rbac = ChartRbac.render(RELEASE_NAMESPACE, List.of());
    List<ApiRequest> checked =
        new ArrayList<>(requests.stream().filter(r -> !ChartRbac.everyUserMay(r)).toList());
    checked.addAll(leaderElection());
    checked.addAll(ownerFinalizers(requests));
    checked.addAll(rarePaths());
    assertThat(checked.stream().filter(r -> !rbac.allows(r)).map(ChartRbac::describe).distinct())
        .as("requests of the operator the chart does not grant")
        .isEmpty();
    assertThat(rbac.unused(checked)).as("grants of the chart the operator never used").isEmpty();
  }

  /**
   * The requests of leader election, which the chart turns on ({@code LEADER_ELECTION_NAMESPACE})
   * and the sandbox does not: JOSDK 5.2's {@code LeaderElectionManager} stops with {@code
   * System.exit} when it stops leading, also on {@code Operator.stop()}, which would end the test's
   * JVM. Its Lease lock (Fabric8's {@code LeaseLock}) gets, creates and updates (PUT) one Lease in
   * the release namespace, and at start-up JOSDK refuses to run unless a SelfSubjectRulesReview
   * shows exactly these three verbs.
   */
  private static List<ApiRequest> leaderElection() {
    return List.of("get", "create", "update").stream()
        .map(
            verb ->
                new ApiRequest(
                    Sandbox.OPERATOR_USER_AGENT,
                    verb,
                    "coordination.k8s.io",
                    "leases",
                    "",
                    RELEASE_NAMESPACE,
                    "registry-operator"))
        .toList();
  }

  /**
   * Requests on paths these scenarios do not reach, each named with its reason: a GC Job whose pod
   * a quota refuses has its {@code FailedCreate} events listed (GcRunActions.failedCreate); a run's
   * Job that the informer has not seen yet right after its creation is read by name
   * (GcScheduleReconciler.job); before a GcSchedule's retention deletes tags, the workloads of
   * every namespace are listed to keep the images they use (WorkloadImages, whose requests
   * WorkloadImagesTest records; the GC run does not call it yet).
   */
  private static List<ApiRequest> rarePaths() {
    List<ApiRequest> rare = new ArrayList<>();
    rare.add(
        new ApiRequest(
            Sandbox.OPERATOR_USER_AGENT, "list", "", "events", "", Sandbox.NAMESPACE, ""));
    rare.add(
        new ApiRequest(
            Sandbox.OPERATOR_USER_AGENT,
            "get",
            "batch",
            "jobs",
            "",
            Sandbox.NAMESPACE,
            "gc-abcde-r1"));
    for (String workloads :
        List.of(
            "/pods",
            "apps/deployments",
            "apps/statefulsets",
            "apps/daemonsets",
            "batch/jobs",
            "batch/cronjobs")) {
      String[] groupAndResource = workloads.split("/");
      rare.add(
          new ApiRequest(
              Sandbox.OPERATOR_USER_AGENT,
              "list",
              groupAndResource[0],
              groupAndResource[1],
              "",
              "",
              ""));
    }
    return rare;
  }

  /**
   * What the admission plugin OwnerReferencesPermissionEnforcement (on in OpenShift and some
   * distributions) checks: an object created with an ownerReference that has {@code
   * blockOwnerDeletion: true} (the operator's, {@code Owners.controller}) needs {@code update} on
   * the owner's {@code finalizers} subresource. The mock has no admission: derived from the
   * creates, Jobs owned by GcSchedules and the rest by Registries.
   */
  private static List<ApiRequest> ownerFinalizers(List<ApiRequest> requests) {
    List<ApiRequest> implied = new ArrayList<>();
    for (ApiRequest r : requests) {
      if (r.verb().equals("create") && !r.resource().equals("events")) {
        String owner = r.resource().equals("jobs") ? "gcschedules" : "registries";
        implied.add(
            new ApiRequest(
                r.userAgent(),
                "update",
                "registry.operator.dev",
                owner,
                "finalizers",
                r.namespace(),
                ""));
      }
    }
    return implied;
  }

  private static List<ApiRequest> recordOperatorRequests() throws Exception {
    // The real garbage collection starts 4 s late once the file "slow" exists: time to delete a
    // GcSchedule whose
    // Job runs.
    Path slowMarker = GcScenario.workDir("api-calls").resolve("slow");
    Files.deleteIfExists(slowMarker);
    Path wrapper =
        GcScenario.script(
            "api-calls",
            "slow-registry",
            """
        if [ "$1" = "garbage-collect" ] && [ -e %s ]; then
          case " $* " in *" --dry-run "*|*" -d "*) ;; *) sleep 4 ;; esac
        fi
        exec %s "$@"
        """
                .formatted(slowMarker, LocalImage.registryBinaryFromEnvironment()));
    try (GcScenario s =
        GcScenario.start("api-calls", b -> b.recordApiRequests().gcRegistryBinary(wrapper))) {
      s.registryAndSchedule(spec -> {});
      s.pushAndDeleteSamples(64 * 1024);

      // A GC run in each mode.
      s.requestRun();
      assertThat(s.awaitRun(1).getResult().toString()).isEqualTo("Succeeded");
      s.sandbox
          .client()
          .resources(dev.registryoperator.gc.GcSchedule.class)
          .inNamespace(Sandbox.NAMESPACE)
          .withName(GcScenario.SCHEDULE)
          .edit(
              g -> {
                g.getSpec().setMode(MaintenanceMode.ScaleToZero);
                return g;
              });
      s.requestRun();
      assertThat(s.awaitRun(2).getResult().toString()).isEqualTo("Succeeded");

      // The Registry edited: its configuration (the config Secret is updated), a new Deployment;
      // its claim no
      // longer kept when the Registry is deleted.
      s.sandbox
          .client()
          .resources(dev.registryoperator.registry.Registry.class)
          .inNamespace(Sandbox.NAMESPACE)
          .withName(GcScenario.REGISTRY)
          .edit(
              r -> {
                r.getSpec()
                    .setResources(
                        new ResourceRequirementsBuilder()
                            .addToRequests("cpu", new Quantity("50m"))
                            .build());
                r.getSpec().getStorage().getPvc().setRetainOnDelete(false);
                r.getSpec().setConfig(java.util.Map.of("log", java.util.Map.of("level", "debug")));
                return r;
              });
      s.user.awaitRegistryServing(GcScenario.REGISTRY, GcScenario.TIMEOUT);

      // A GcSchedule deleted mid-run: the run's Job goes, the registry comes back.
      Files.writeString(slowMarker, "");
      s.requestRun();
      GcScenario.eventually()
          .until(
              () ->
                  s.schedule().getStatus().getCurrentRun() != null
                      && "Collecting"
                          .equals(
                              String.valueOf(s.schedule().getStatus().getCurrentRun().getStep())));
      s.sandbox
          .client()
          .resources(dev.registryoperator.gc.GcSchedule.class)
          .inNamespace(Sandbox.NAMESPACE)
          .withName(GcScenario.SCHEDULE)
          .delete();
      GcScenario.eventually()
          .until(
              () ->
                  s.sandbox
                          .client()
                          .resources(dev.registryoperator.gc.GcSchedule.class)
                          .inNamespace(Sandbox.NAMESPACE)
                          .withName(GcScenario.SCHEDULE)
                          .get()
                      == null);
      s.user.awaitRegistryServing(GcScenario.REGISTRY, GcScenario.TIMEOUT);

      // A Registry that references Secrets that do not exist (read by name).
      s.user.createRegistryFromExample("registry-auth-tls.yaml", r -> {});
      GcScenario.eventually()
          .until(
              () ->
                  s
                      .sandbox
                      .client()
                      .resources(dev.registryoperator.registry.Registry.class)
                      .inNamespace(Sandbox.NAMESPACE)
                      .list()
                      .getItems()
                      .stream()
                      .allMatch(
                          r ->
                              r.getStatus() != null
                                  && r.getStatus().getConditions() != null
                                  && !r.getStatus().getConditions().isEmpty()));

      // A Registry that keeps its claim (the default) next to one that does not (edited above).
      s.user.createRegistryFromExample(
          "registry-minimal.yaml", r -> r.getMetadata().setName("scratch"));
      GcScenario.eventually()
          .until(
              () ->
                  s.sandbox
                          .client()
                          .persistentVolumeClaims()
                          .inNamespace(Sandbox.NAMESPACE)
                          .list()
                          .getItems()
                          .size()
                      >= 2);

      // Registries deleted.
      s.sandbox
          .client()
          .resources(dev.registryoperator.registry.Registry.class)
          .inNamespace(Sandbox.NAMESPACE)
          .delete();
      GcScenario.eventually()
          .until(
              () ->
                  s.sandbox
                      .client()
                      .resources(dev.registryoperator.registry.Registry.class)
                      .inNamespace(Sandbox.NAMESPACE)
                      .list()
                      .getItems()
                      .isEmpty());
      Thread.sleep(Duration.ofSeconds(1).toMillis());
      s.sandbox.stopOperator();
      return s.sandbox.apiRequests().stream()
          .filter(r -> r.userAgent().startsWith(Sandbox.OPERATOR_USER_AGENT))
          .toList();
    }
  }
}
