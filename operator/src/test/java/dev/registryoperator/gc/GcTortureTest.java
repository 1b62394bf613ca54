package dev.registryoperator.gc;

import static dev.registryoperator.OperatorHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.InvariantMonitor;
import dev.registryoperator.LeaderElection;
import dev.registryoperator.common.Conditions;
import dev.registryoperator.fakecluster.CrudApiDispatcher;
import dev.registryoperator.fakecluster.FakeCluster;
import dev.registryoperator.fakecluster.JobBehaviour;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.MaintenanceRequest;
import dev.registryoperator.registry.Registries;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Randomized GC runs on the fake cluster, in both modes, with two operator replicas under leader
 * election and faults injected at random points: leader changes (the leader stops, the standby
 * takes the lease over and resumes from status), Job and pod deletions, failing, hanging and
 * refused Jobs, Registry and GcSchedule edits (dryRun flipped, registryRef changed, durations made
 * invalid, mode changed), replace-style annotation loss, a corrupted lock, deletes, re-creation
 * with the same name, two schedules on one registry.
 *
 * <p>After every pod change the API server reports, {@link InvariantMonitor} checks I2/I3 (no GC
 * pod that deletes beside a writable registry pod, whichever came first) and I5 (one run collects a
 * registry at a time). After each scenario, I4: every run ended and service came back within a
 * bound. Each seed's scenario (its actions, their order and delays, the Jobs' behaviour) is fixed
 * by the seed; the interleaving with the operator is real time, so a failing seed is printed and
 * can be run alone ({@code -Dtorture.seed=N}) but may need a few tries to show again. Run more with
 * {@code -Dtorture.seeds=2000}.
 */
class GcTortureTest extends GcClusterTestBase {
  private static final int SEEDS = Integer.getInteger("torture.seeds", 200);
  private static final int PARALLEL = Integer.getInteger("torture.parallel", 25);
  private static final long FIRST_SEED = Long.getLong("torture.seed", 1);
  private static final Duration MAX_DURATION = Duration.ofSeconds(6);
  private static final Duration QUIESCE_TIMEOUT = Duration.ofSeconds(8);

  /**
   * I4's bound, from the last fault to every run ended and service back: the longest wait the
   * design allows a run (a hung Job past maxDuration and the watchdog's grace, a pod unschedulable
   * or never created for two minutes), then a window to close, and a margin for a loaded machine.
   */
  private static final Duration RESTORE_BOUND =
      GcRun.WATCHDOG_GRACE.plus(MAX_DURATION).plus(QUIESCE_TIMEOUT).plus(Duration.ofSeconds(30));

  /** A tag every registry's workload runs: retention must always protect it (I7). */
  private static final String IN_USE = "team/app:v1";

  private final Map<String, Scenario> scenarios = new ConcurrentHashMap<>();
  private final AtomicLong actionsDone = new AtomicLong();
  private final AtomicLong leaderChanges = new AtomicLong();
  private final Map<String, Runnable> replicas = new ConcurrentHashMap<>();

  private void startReplica() {
    String id = "replica-" + replicas.size() + "-" + System.nanoTime();
    replicas.put(
        id,
        harness.startReplica(
            new LeaderElection(
                NAMESPACE,
                id,
                Duration.ofSeconds(2),
                Duration.ofMillis(1500),
                Duration.ofMillis(200),
                () -> {})));
  }

  @Test
  void gcRunsKeepTheInvariantsUnderRandomFaults() throws Exception {
    long seeds =
        System.getProperty("torture.seed") != null && System.getProperty("torture.seeds") == null
            ? 1
            : SEEDS;
    start(
        Clock.systemUTC(),
        b -> b.readyDelay(Duration.ofMillis(150)).terminationGrace(Duration.ofMillis(400)));
    jobs.set(this::behaviour);
    harness.stopOperator(); // two replicas with leader election instead
    startReplica();
    startReplica();
    long events = 0;
    long checks = 0;
    long runs = 0;
    for (long batchStart = FIRST_SEED; batchStart < FIRST_SEED + seeds; batchStart += PARALLEL) {
      long batchEnd = Math.min(batchStart + PARALLEL, FIRST_SEED + seeds);
      try (InvariantMonitor monitor =
          InvariantMonitor.watch(client, NAMESPACE).expectProtected(IN_USE)) {
        runs += batch(batchStart, batchEnd);
        events += monitor.events();
        checks += monitor.checks();
        if (!monitor.violations().isEmpty()) {
          java.nio.file.Files.writeString(
              java.nio.file.Path.of("target/torture-cluster-log.txt"),
              harness.cluster().log().dump()
                  + "\n"
                  + String.join("\n", jobArgs)
                  + "\n"
                  + io.fabric8.kubernetes.client.utils.Serialization.asYaml(
                      client.resources(GcSchedule.class).inNamespace(NAMESPACE).list().getItems()));
        }
        assertThat(monitor.violations())
            .as(
                "seeds %d..%d (re-run one with -Dtorture.seed=N; the cluster's log is in target/torture-cluster-log.txt)",
                batchStart, batchEnd - 1)
            .isEmpty();
      }
    }
    System.out.printf(
        "GcTortureTest: %d seeds, %d injected actions, %d leader changes, %d GC runs recorded, %d pod events seen, %d invariant checks, 0 violations%n",
        seeds, actionsDone.get(), leaderChanges.get(), runs, events, checks);
  }

  private long batch(long from, long to) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool((int) (to - from));
    try {
      List<Future<Long>> results = new ArrayList<>();
      for (long seed = from; seed < to; seed++) {
        Scenario scenario = new Scenario(seed);
        scenarios.put(scenario.registry, scenario);
        results.add(pool.submit(() -> scenario.play()));
      }
      // leader changes while the batch plays: the leader stops, the standby takes the lease and
      // resumes every run from status, and a new standby starts
      Random global = new Random(from * 7919);
      long changes = global.nextInt(3);
      for (int i = 0; i < changes; i++) {
        Thread.sleep(500 + global.nextInt(2500));
        Lease lease =
            client.leases().inNamespace(NAMESPACE).withName(LeaderElection.LEASE_NAME).get();
        Runnable leader =
            lease == null || lease.getSpec() == null
                ? null
                : replicas.remove(lease.getSpec().getHolderIdentity());
        if (leader != null) {
          leader.run();
          leaderChanges.incrementAndGet();
        }
        Thread.sleep(global.nextInt(400));
        startReplica();
      }
      long runs = 0;
      for (Future<Long> result : results) {
        runs += result.get(5, TimeUnit.MINUTES);
      }
      return runs;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The Job pods of each seed behave as its scenario decided, the same way every time. */
  private JobBehaviour.Run behaviour(Job job) {
    String registry = job.getMetadata().getLabels().get("app.kubernetes.io/instance");
    Scenario scenario = scenarios.get(registry);
    int kind =
        scenario == null
            ? 0
            : Math.floorMod((scenario.seed * 31 + job.getMetadata().getName().hashCode()), 10);
    Duration time = Duration.ofMillis(200 + (scenario == null ? 0 : scenario.seed % 7) * 150);
    return switch (kind) {
      case 0 ->
          JobBehaviour.Run.exit(
              3,
              "{\"version\":1,\"result\":\"Failed\",\"exitCode\":3,\"message\":\"garbage-collect failed\"}",
              time);
      case 1 -> JobBehaviour.Run.hangForever();
      default -> JobBehaviour.Run.exit(0, REPORT, time);
    };
  }

  private enum Fault {
    RequestRun,
    DeleteJob,
    DeleteGcPod,
    EditRegistry,
    ReplaceRegistry,
    CorruptLock,
    RecreateRegistry,
    FlipDryRun,
    SwitchMode,
    RetargetSchedule,
    BreakDurations,
    DeleteSchedule,
    RefuseJobs
  }

  /** One seed: a registry, one or two schedules on it, and a list of faults at fixed delays. */
  private final class Scenario {
    final long seed;
    final String registry;
    final List<String> schedules = new ArrayList<>();
    final Random random;

    Scenario(long seed) {
      this.seed = seed;
      this.registry = "t" + seed;
      this.random = new Random(seed);
    }

    long play() throws Exception {
      Registry r = Registries.withPvc(registry, "1Gi");
      r.getMetadata().setUid(null);
      r.getMetadata().setGeneration(null);
      r.getSpec().setReplicas(1 + random.nextInt(2));
      client.resource(r).create();
      // a workload scaled to zero that still needs one of the registry's images
      client
          .resource(
              new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
                  .withNewMetadata()
                  .withName(registry + "-user")
                  .withNamespace(NAMESPACE)
                  .endMetadata()
                  .withNewSpec()
                  .withReplicas(0)
                  .withNewSelector()
                  .addToMatchLabels("app", registry + "-user")
                  .endSelector()
                  .withNewTemplate()
                  .withNewMetadata()
                  .addToLabels("app", registry + "-user")
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("app")
                  .withImage(
                      dev.registryoperator.registry.RegistryNames.service(registry)
                          + "."
                          + NAMESPACE
                          + ".svc:5000/"
                          + IN_USE)
                  .endContainer()
                  .endSpec()
                  .endTemplate()
                  .endSpec()
                  .build())
          .create();
      int count = 1 + random.nextInt(2);
      for (int i = 0; i < count; i++) {
        String name = registry + "-" + (char) ('a' + i);
        boolean zero = random.nextBoolean();
        boolean preview = random.nextInt(4) == 0;
        boolean dry = !preview && random.nextInt(6) == 0;
        boolean retention = random.nextInt(3) == 0;
        schedule(
            name,
            registry,
            s -> {
              s.setMode(zero ? MaintenanceMode.ScaleToZero : MaintenanceMode.ReadOnly);
              s.setQuiesceTimeout(GcRun.format(QUIESCE_TIMEOUT));
              s.setMaxDuration(GcRun.format(MAX_DURATION));
              s.setDryRun(dry ? true : null);
              s.setMinReclaimableBytes(preview ? 1L : null);
              s.setRetention(
                  retention
                      ? List.of(
                          new dev.registryoperator.gcreport.retention.RetentionRule(
                              null, null, null, null, 3, null))
                      : null);
            });
        schedules.add(name);
      }
      Thread.sleep(300 + random.nextInt(700));
      int faults = 4 + random.nextInt(6);
      for (int i = 0; i < faults; i++) {
        Fault fault =
            i == 0 ? Fault.RequestRun : Fault.values()[random.nextInt(Fault.values().length)];
        String schedule = schedules.get(random.nextInt(schedules.size()));
        inject(fault, schedule);
        actionsDone.incrementAndGet();
        Thread.sleep(random.nextInt(1500));
      }
      return settle();
    }

    private void inject(Fault fault, String schedule) {
      try {
        switch (fault) {
          case RequestRun -> requestRun(schedule, "req-" + seed + "-" + random.nextInt(1_000_000));
          case DeleteJob ->
              client
                  .batch()
                  .v1()
                  .jobs()
                  .inNamespace(NAMESPACE)
                  .withLabel(GcJob.SCHEDULE_LABEL, schedule)
                  .delete();
          case DeleteGcPod ->
              client
                  .pods()
                  .inNamespace(NAMESPACE)
                  .withLabel(GcJob.SCHEDULE_LABEL, schedule)
                  .delete();
          case EditRegistry ->
              client
                  .resources(Registry.class)
                  .inNamespace(NAMESPACE)
                  .withName(registry)
                  .edit(
                      x -> {
                        x.getSpec().setReplicas(1 + random.nextInt(2));
                        x.getSpec().setReadOnly(random.nextInt(5) == 0 ? true : null);
                        return x;
                      });
          case ReplaceRegistry -> {
            Registry current =
                client.resources(Registry.class).inNamespace(NAMESPACE).withName(registry).get();
            if (current != null && current.getMetadata().getAnnotations() != null) {
              current.getMetadata().getAnnotations().remove(MaintenanceRequest.ANNOTATION);
              client.resource(current).update();
            }
          }
          case CorruptLock ->
              client
                  .resources(Registry.class)
                  .inNamespace(NAMESPACE)
                  .withName(registry)
                  .patch(
                      PatchContext.of(PatchType.JSON_MERGE),
                      "{\"metadata\":{\"annotations\":{\""
                          + MaintenanceRequest.ANNOTATION
                          + "\":\"{broken\"}}}");
          case RecreateRegistry -> {
            client.resources(Registry.class).inNamespace(NAMESPACE).withName(registry).delete();
            eventually().until(() -> getRegistry(registry) == null);
            Registry again = new Registry();
            again.setMetadata(
                new ObjectMetaBuilder().withName(registry).withNamespace(NAMESPACE).build());
            again.setSpec(Registries.withPvc(registry, "1Gi").getSpec());
            client.resource(again).create();
          }
          case FlipDryRun ->
              editSchedule(
                  schedule,
                  s ->
                      s.setDryRun(
                          !s.effectiveDryRun() && s.getMinReclaimableBytes() == null
                              ? true
                              : null));
          case SwitchMode ->
              editSchedule(
                  schedule,
                  s ->
                      s.setMode(
                          s.effectiveMode() == MaintenanceMode.ReadOnly
                              ? MaintenanceMode.ScaleToZero
                              : MaintenanceMode.ReadOnly));
          case RetargetSchedule ->
              editSchedule(
                  schedule,
                  s ->
                      s.setRegistryRef(
                          new GcScheduleSpec.RegistryRef(
                              random.nextBoolean() ? "t" + (seed + 1) : registry)));
          case BreakDurations ->
              editSchedule(
                  schedule,
                  s -> {
                    s.setQuiesceTimeout(random.nextBoolean() ? "" : "0s");
                    s.setMaxDuration("0s");
                  });
          case DeleteSchedule -> {
            if (schedules.size() > 1) {
              client.resources(GcSchedule.class).inNamespace(NAMESPACE).withName(schedule).delete();
              schedules.remove(schedule);
            }
          }
          case RefuseJobs -> {
            String prefix = "\"" + schedule + "-";
            Runnable lift =
                harness
                    .api()
                    .dispatcher()
                    .admit(
                        request ->
                            "POST".equals(request.method())
                                    && request.path().contains("/jobs")
                                    && request.body().contains(prefix)
                                ? Optional.of(
                                    new CrudApiDispatcher.Refusal(
                                        403,
                                        "Forbidden",
                                        "admission webhook \"policy\" denied the request"))
                                : Optional.empty());
            requestRun(schedule, "refused-" + seed + "-" + random.nextInt(1_000_000));
            Thread.sleep(1000 + random.nextInt(2000));
            lift.run();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        // a fault that does not apply now (the object is gone, a conflict): the user moves on
      }
    }

    /** As kubectl edit: read, change, write; read again when someone wrote first. */
    private void editSchedule(String name, java.util.function.Consumer<GcScheduleSpec> change) {
      for (int attempt = 0; ; attempt++) {
        try {
          client
              .resources(GcSchedule.class)
              .inNamespace(NAMESPACE)
              .withName(name)
              .edit(
                  s -> {
                    change.accept(s.getSpec());
                    return s;
                  });
          return;
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
          if (e.getCode() != 409 || attempt > 20) {
            throw e;
          }
        }
      }
    }

    /**
     * I4: every schedule's runs end, and the registry serves with writable pods, within the bound.
     * Schedules are put back to a valid spec first (a user fixing their typo): restoring never
     * depended on it, but new runs need it.
     */
    private long settle() {
      for (String name : schedules) {
        editSchedule(
            name,
            s -> {
              s.setQuiesceTimeout(GcRun.format(QUIESCE_TIMEOUT));
              s.setMaxDuration(GcRun.format(MAX_DURATION));
            });
      }
      Instant deadline = Instant.now().plus(RESTORE_BOUND);
      await(
          deadline,
          () -> {
            for (String name : schedules) {
              GcSchedule s = get(name);
              GcRunStatus current = s.getStatus() == null ? null : s.getStatus().getCurrentRun();
              assertThat(current)
                  .as(
                      () ->
                          "seed "
                              + seed
                              + ": "
                              + name
                              + " still running: "
                              + io.fabric8.kubernetes.client.utils.Serialization.asYaml(current)
                              + "registry: "
                              + io.fabric8.kubernetes.client.utils.Serialization.asYaml(
                                  getRegistry(registry))
                              + String.join(
                                  "\n", harness.cluster().log().linesFor("Deployment", registry)))
                  .isNull();
            }
          });
      await(
          deadline,
          () -> {
            Registry r = getRegistry(registry);
            assertThat(r).as("seed %d", seed).isNotNull();
            Map<String, String> annotations = r.getMetadata().getAnnotations();
            assertThat(annotations == null ? Map.of() : annotations)
                .as("seed %d: lock left", seed)
                .doesNotContainKey(MaintenanceRequest.ANNOTATION);
            assertThat(r.getStatus().getMaintenance()).as("seed %d: window left", seed).isNull();
            assertThat(Conditions.isTrue(r.getStatus().getConditions(), "Ready"))
                .as(
                    () ->
                        "seed "
                            + seed
                            + ": not ready\n"
                            + io.fabric8.kubernetes.client.utils.Serialization.asYaml(r)
                            + String.join(
                                "\n", harness.cluster().log().linesFor("Deployment", registry)))
                .isTrue();
            List<Pod> pods = harness.cluster().podsOfDeployment(NAMESPACE, registry);
            assertThat(pods)
                .as("seed %d", seed)
                .isNotEmpty()
                .allSatisfy(p -> assertThat(FakeCluster.isTerminating(p)).isFalse());
          });
      long runs = 0;
      for (String name : schedules) {
        GcSchedule s = get(name);
        if (s.getStatus() != null && s.getStatus().getHistory() != null) {
          assertThat(s.getStatus().getHistory())
              .as("seed %d: every run has a reason", seed)
              .allSatisfy(h -> assertThat(h.getReason()).isNotBlank());
          runs += s.getStatus().getRunCount() == null ? 0 : s.getStatus().getRunCount();
        }
      }
      return runs;
    }

    private void await(Instant deadline, Runnable check) {
      org.awaitility.Awaitility.await()
          .atMost(Duration.between(Instant.now(), deadline).plusMillis(1))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .untilAsserted(check::run);
    }
  }
}
