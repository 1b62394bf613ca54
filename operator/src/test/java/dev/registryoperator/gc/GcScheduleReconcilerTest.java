package dev.registryoperator.gc;

import static dev.registryoperator.OperatorHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registryoperator.common.Conditions;
import dev.registryoperator.common.Labels;
import dev.registryoperator.fakecluster.EventLog;
import dev.registryoperator.fakecluster.JobBehaviour;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.MaintenanceRequest;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * GC runs end to end on the fake cluster. Each test checks the order of what happened (I2, I3) and
 * that service came back (I4).
 */
class GcScheduleReconcilerTest extends GcClusterTestBase {
  @Test
  void aManualReadOnlyRunCollectsWithNoWritablePodAndRestores() {
    start();
    Registry registry = registry("images", 2);
    String specBefore = Serialization.asJson(registry.getSpec());
    Set<String> writable = podNames("images");
    schedule("nightly", "images", s -> {});
    eventually()
        .untilAsserted(
            () ->
                assertThat(Conditions.isTrue(get("nightly").getStatus().getConditions(), "Ready"))
                    .isTrue());

    requestRun("nightly", "2026-11-24T10:00:00Z");

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getResult()).isEqualTo(GcRunResult.Succeeded);
    assertThat(run.getTrigger()).isEqualTo(GcRunTrigger.Manual);
    assertThat(run.getReason()).isEqualTo("Collected");
    assertThat(run.getReclaimedBytes()).isEqualTo(7340032L);
    assertThat(run.getReclaimed()).isEqualTo("7.0 MiB");
    assertThat(run.getBlobsDeleted()).isEqualTo(12L);
    assertThat(run.getWriteUnavailableSeconds()).isNotNull();
    GcSchedule schedule = get("nightly");
    assertThat(schedule.getStatus().getTotalReclaimedBytes()).isEqualTo(7340032L);
    assertThat(schedule.getStatus().getLastHandledRunRequest()).isEqualTo("2026-11-24T10:00:00Z");
    assertThat(Conditions.find(schedule.getStatus().getConditions(), "Running"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));

    awaitServing("images");
    String job = GcJob.name(schedule, "r1", GcJob.Kind.Collect);
    assertSafeOrder(harness.cluster().log(), writable, job);
    assertThat(jobArgs).singleElement().satisfies(a -> assertThat(a).doesNotContain("--dry-run"));
    // restore replaced the pods (their blob cache is stale), and the spec was never touched (I7)
    Registry after = getRegistry("images");
    assertThat(Serialization.asJson(after.getSpec())).isEqualTo(specBefore);
    assertThat(podNames("images")).hasSize(2).doesNotContainAnyElementsOf(writable);
    assertThat(after.getStatus().getLastGarbageCollection().getReclaimedBytes())
        .isEqualTo(7340032L);
    assertThat(after.getStatus().getLastGarbageCollection().getResult()).isEqualTo("Succeeded");
    assertThat(harness.eventsFor("GcSchedule", "nightly"))
        .extracting(Event::getReason)
        .contains(
            "RunStarted", "MaintenanceRequested", "RegistryReadOnly", "Collected", "Restored");
  }

  @Test
  void aScaleToZeroRunStartsTheJobOnlyWhenNoRegistryPodExists() {
    start();
    registry("images", 2);
    Set<String> pods = podNames("images");
    schedule("zero", "images", s -> s.setMode(MaintenanceMode.ScaleToZero));

    requestRun("zero", "2026-11-24T10:00:00Z");

    GcRunRecord run = awaitFinished("zero", 1);
    assertThat(run.getResult()).isEqualTo(GcRunResult.Succeeded);
    awaitServing("images");
    EventLog log = harness.cluster().log();
    String job = GcJob.name(get("zero"), "r1", GcJob.Kind.Collect);
    assertSafeOrder(log, pods, job);
    Job created = client.batch().v1().jobs().inNamespace(NAMESPACE).withName(job).get();
    assertThat(created.getSpec().getTemplate().getSpec().getAffinity())
        .as("no registry pod to share a node with")
        .isNull();
    assertThat(podNames("images")).hasSize(2).doesNotContainAnyElementsOf(pods);
  }

  @Test
  void aFailingJobIsAFailedRunAndServiceComesBack() {
    start();
    registry("images", 1);
    jobs.set(
        JobBehaviour.exit(
            3,
            "{\"version\":1,\"result\":\"Failed\",\"exitCode\":3,\"message\":\"garbage-collect failed: filesystem: permission denied\"}"));
    schedule("nightly", "images", s -> {});

    requestRun("nightly", "t1");

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getResult()).isEqualTo(GcRunResult.Failed);
    assertThat(run.getReason()).isEqualTo("GarbageCollectFailed");
    assertThat(run.getMessage()).contains("permission denied");
    awaitServing("images");
    assertThat(harness.eventsFor("GcSchedule", "nightly"))
        .anySatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("RunFailed");
            });
  }

  @Test
  void aPreflightRefusalCarriesTheRunnersExplanation() {
    start();
    registry("images", 1);
    jobs.set(
        JobBehaviour.exit(
            4,
            "{\"version\":1,\"result\":\"Refused\",\"exitCode\":4,\"message\":\"refused: --delete-untagged would delete children of tagged index library/app:multi on registry 2.8.2\"}"));
    schedule("nightly", "images", s -> s.setDeleteUntagged(true));

    requestRun("nightly", "t1");

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getReason()).isEqualTo("PreflightRefused");
    assertThat(run.getMessage()).contains("library/app:multi");
    assertThat(jobArgs).singleElement().satisfies(a -> assertThat(a).contains("--delete-untagged"));
    awaitServing("images");
  }

  @Test
  void aJobPastItsDeadlineIsStoppedAndServiceComesBack() {
    start();
    registry("images", 1);
    jobs.set(JobBehaviour.hang());
    schedule("nightly", "images", s -> s.setMaxDuration("2s"));

    requestRun("nightly", "t1");

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getReason()).isEqualTo("DeadlineExceeded");
    awaitServing("images");
    EventLog log = harness.cluster().log();
    String job = GcJob.name(get("nightly"), "r1", GcJob.Kind.Collect);
    assertThat(log.indexOfFirstMatch("job " + job + " deadline exceeded")).isGreaterThan(0);
    // I3: the stopped pod was gone before service was restored
    int podGone = log.indexOfLastMatch("pod " + job + "-.* gone");
    int restore = log.indexOfLastMatch("deployment images rollout started.*");
    assertThat(podGone).as(log.dump()).isGreaterThan(0).isLessThan(restore);
  }

  @Test
  void aJobDeletedByHandFailsTheRunAfterItsPodIsGone() {
    start(Clock.systemUTC(), b -> b.terminationGrace(Duration.ofSeconds(2)));
    registry("images", 1);
    jobs.set(JobBehaviour.hang());
    schedule("nightly", "images", s -> {});
    requestRun("nightly", "t1");
    String job = GcJob.name(get("nightly"), "r1", GcJob.Kind.Collect);
    eventually().until(() -> harness.cluster().log().contains("job " + job + " pod started"));

    client.batch().v1().jobs().inNamespace(NAMESPACE).withName(job).delete();

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getReason()).isEqualTo("JobDeleted");
    awaitServing("images");
    EventLog log = harness.cluster().log();
    int podGone = log.indexOfLastMatch("pod " + job + "-.* gone");
    int restore = log.indexOfLastMatch("deployment images rollout started.*");
    assertThat(podGone)
        .as("I3: the terminating GC pod kept the registry read-only\n%s", log.dump())
        .isGreaterThan(0)
        .isLessThan(restore);
  }

  @Test
  void quiesceTimeoutFailsAndRestores() {
    // pods take long to terminate: the registry cannot be proven read-only in time
    start(Clock.systemUTC(), b -> b.terminationGrace(Duration.ofSeconds(6)));
    registry("images", 1);
    schedule("nightly", "images", s -> s.setQuiesceTimeout("2s"));

    requestRun("nightly", "t1");

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getReason()).isEqualTo("QuiesceTimeout");
    assertThat(run.getMessage()).contains("writable");
    assertThat(harness.cluster().log().linesMatching("job .* created")).isEmpty();
    awaitServing("images");
  }

  @Test
  void deletingTheRegistryDuringARunStopsTheJobAndFailsTheRun() {
    start();
    registry("images", 1);
    jobs.set(JobBehaviour.hang());
    schedule("nightly", "images", s -> {});
    requestRun("nightly", "t1");
    String job = GcJob.name(get("nightly"), "r1", GcJob.Kind.Collect);
    eventually().until(() -> harness.cluster().log().contains("job " + job + " pod started"));

    client.resources(Registry.class).inNamespace(NAMESPACE).withName("images").delete();

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getReason()).isEqualTo("RegistryDeleted");
    eventually()
        .untilAsserted(() -> assertThat(harness.cluster().podsOfJob(NAMESPACE, job)).isEmpty());
    assertThat(Conditions.find(get("nightly").getStatus().getConditions(), "Ready"))
        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("RegistryNotFound"));
  }

  @Test
  void deletingTheScheduleDuringARunRestoresTheRegistryFirst() {
    start();
    registry("images", 1);
    jobs.set(JobBehaviour.hang());
    schedule("nightly", "images", s -> {});
    requestRun("nightly", "t1");
    String job = GcJob.name(get("nightly"), "r1", GcJob.Kind.Collect);
    eventually().until(() -> harness.cluster().log().contains("job " + job + " pod started"));

    client.resources(GcSchedule.class).inNamespace(NAMESPACE).withName("nightly").delete();

    eventually().until(() -> get("nightly") == null);
    awaitServing("images");
    EventLog log = harness.cluster().log();
    assertThat(log.indexOfLastMatch("pod " + job + "-.* gone"))
        .as(log.dump())
        .isLessThan(log.indexOfLastMatch("deployment images rollout started.*"));
  }

  @Test
  void aRestartedOperatorFinishesTheRunFromEveryStep() throws Exception {
    start(
        Clock.systemUTC(),
        b -> b.terminationGrace(Duration.ofSeconds(1)).jobRunTime(Duration.ofSeconds(2)));
    registry("images", 1);
    schedule(
        "nightly", "images", s -> s.setMinReclaimableBytes(1L)); // a preview first, then the run
    int runs = 0;
    for (GcRunStep step :
        List.of(
            GcRunStep.Preview, GcRunStep.Quiescing, GcRunStep.Collecting, GcRunStep.Restoring)) {
      runs++;
      requestRun("nightly", "request-" + runs);
      eventually()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                GcRunStatus run = get("nightly").getStatus().getCurrentRun();
                return run != null && run.getStep() == step;
              });
      harness.stopOperator();
      Thread.sleep(1500); // the cluster goes on without an operator
      harness.startOperator();
      GcRunRecord run = awaitFinished("nightly", runs);
      assertThat(run.getResult()).as("restart during %s", step).isEqualTo(GcRunResult.Succeeded);
      assertThat(run.getReclaimedBytes()).isEqualTo(7340032L);
      awaitServing("images");
    }
    // one preview and one collect Job per run, never a second of either after a restart
    assertThat(harness.cluster().log().linesMatching("job .*-preview created")).hasSize(runs);
    assertThat(harness.cluster().log().linesMatching("job .*-r[0-9]+ created")).hasSize(runs);
  }

  @Test
  void twoSchedulesOnOneRegistryNeverHoldItTogether() {
    start(Clock.systemUTC(), b -> b.jobRunTime(Duration.ofSeconds(1)));
    registry("images", 1);
    schedule("a", "images", s -> {});
    schedule("b", "images", s -> s.setQuiesceTimeout("60s"));
    List<String> holders = new CopyOnWriteArrayList<>();
    Thread watcher =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                Registry r = getRegistry("images");
                MaintenanceRequest.of(r).ifPresent(m -> holders.add(m.holder()));
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    watcher.start();

    requestRun("a", "t1");
    requestRun("b", "t1");

    GcRunRecord a = awaitFinished("a", 1);
    GcRunRecord b = awaitFinished("b", 1);
    watcher.interrupt();
    assertThat(a.getResult()).isEqualTo(GcRunResult.Succeeded);
    assertThat(b.getResult()).isEqualTo(GcRunResult.Succeeded);
    // the jobs never overlapped: one ended before the other began
    EventLog log = harness.cluster().log();
    String jobA = GcJob.name(get("a"), "r1", GcJob.Kind.Collect);
    String jobB = GcJob.name(get("b"), "r1", GcJob.Kind.Collect);
    int aCreated = log.indexOf("job " + jobA + " created");
    int bCreated = log.indexOf("job " + jobB + " created");
    String first = aCreated < bCreated ? jobA : jobB;
    int second = Math.max(aCreated, bCreated);
    assertThat(log.indexOfFirstMatch("job " + first + " pod terminated.*"))
        .as(log.dump())
        .isLessThan(second);
    // the holder only ever changed from one to the other, never mixed
    List<String> changes = new ArrayList<>();
    for (String h : holders) {
      if (changes.isEmpty() || !changes.get(changes.size() - 1).equals(h)) {
        changes.add(h);
      }
    }
    assertThat(changes).hasSize(2).containsExactlyInAnyOrder("GcSchedule/a", "GcSchedule/b");
    awaitServing("images");
  }

  @Test
  void aPreviewBelowTheThresholdSkipsWithoutAMaintenanceWindow() {
    start();
    registry("images", 1);
    Set<String> pods = podNames("images");
    jobs.set(
        job ->
            JobBehaviour.Run.exit(
                0,
                REPORT
                    .replace("\"dryRun\":false", "\"dryRun\":true")
                    .replace("\"reclaimedBytes\":7340032", "\"reclaimedBytes\":0"),
                null));
    schedule("nightly", "images", s -> s.setMinReclaimableBytes(1L << 30));

    requestRun("nightly", "t1");

    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getResult()).isEqualTo(GcRunResult.Skipped);
    assertThat(run.getReason()).isEqualTo("BelowThreshold");
    assertThat(run.getEligibleBytes()).isEqualTo(7340032L);
    assertThat(run.getWriteUnavailableSeconds()).isZero();
    assertThat(jobArgs)
        .singleElement()
        .satisfies(a -> assertThat(a).contains("-preview").contains("--dry-run"));
    // the registry never left writable mode: no rollout, the same pods
    assertThat(harness.cluster().log().linesMatching("deployment images rollout started.*"))
        .isEmpty();
    assertThat(podNames("images")).isEqualTo(pods);
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withName("images")
                .get()
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getLabels())
        .containsEntry(Labels.READ_ONLY, "false");
  }

  @Test
  void historyIsBoundedAndTheTotalAddsUp() {
    start(
        Clock.systemUTC(),
        b ->
            b.jobRunTime(Duration.ofMillis(100))
                .terminationGrace(Duration.ofMillis(100))
                .readyDelay(Duration.ofMillis(100)));
    registry("images", 1);
    schedule(
        "nightly",
        "images",
        s -> {
          s.setHistoryLimit(2);
          s.setMode(MaintenanceMode.ScaleToZero);
        });
    for (int i = 1; i <= 3; i++) {
      requestRun("nightly", "t" + i);
      int expected = Math.min(i, 2);
      int runCount = i;
      eventually()
          .untilAsserted(
              () -> {
                GcSchedule s = get("nightly");
                assertThat(s.getStatus().getRunCount()).isEqualTo(runCount);
                assertThat(s.getStatus().getCurrentRun()).isNull();
                assertThat(s.getStatus().getHistory()).hasSize(expected);
              });
    }
    GcSchedule s = get("nightly");
    assertThat(s.getStatus().getHistory())
        .extracting(GcRunRecord::getId)
        .containsExactly("r3", "r2");
    assertThat(s.getStatus().getTotalReclaimedBytes()).isEqualTo(3 * 7340032L);
  }

  @Test
  void invalidSpecsAreReportedAndStartNothing() {
    start();
    registry("images", 1);
    schedule(
        "badcron",
        "images",
        s -> {
          GcScheduleSpec.Schedule cron = new GcScheduleSpec.Schedule();
          cron.setCron("0 25 * * *");
          s.setSchedule(cron);
        });
    schedule(
        "badzone",
        "images",
        s -> {
          GcScheduleSpec.Schedule cron = new GcScheduleSpec.Schedule();
          cron.setCron("@daily");
          cron.setTimeZone("Europe/Atlantis");
          s.setSchedule(cron);
        });
    schedule("nowhere", "ghost", s -> {});
    schedule("negative", "images", s -> s.setMinReclaimableBytes(-1L));
    requestRun("nowhere", "t1");
    requestRun("negative", "t1");

    for (String[] expected :
        List.of(
            new String[] {"badcron", "InvalidSpec", "0 25 * * *"},
            new String[] {"badzone", "InvalidSpec", "Europe/Atlantis"},
            new String[] {"nowhere", "RegistryNotFound", "Registry 'ghost' not found"},
            new String[] {"negative", "InvalidSpec", "minReclaimableBytes must be 0 or more"})) {
      eventually()
          .untilAsserted(
              () -> {
                var ready =
                    Conditions.find(get(expected[0]).getStatus().getConditions(), "Ready")
                        .orElseThrow();
                assertThat(ready.getStatus()).isEqualTo("False");
                assertThat(ready.getReason()).isEqualTo(expected[1]);
                assertThat(ready.getMessage()).contains(expected[2]);
                assertThat(harness.eventsFor("GcSchedule", expected[0]))
                    .anySatisfy(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getReason()).isEqualTo(expected[1]);
                        });
              });
    }
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(
            () -> {
              assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems())
                  .isEmpty();
              assertThat(getRegistry("images").getMetadata().getAnnotations())
                  .doesNotContainKey(MaintenanceRequest.ANNOTATION);
            });
  }

  /** An operator clock shifted so that the next minute starts {@code secondsAhead} from now. */
  /** The system clock with an offset that can change (set before the operator reads it). */
  private static final class AdjustableClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    void offset(Duration offset) {
      this.offset = offset;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }
  }

  private static Duration offsetToNextMinuteIn(int secondsAhead) {
    Instant now = Instant.now();
    Instant nextMinute = now.plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    return Duration.between(now, nextMinute).minusSeconds(secondsAhead);
  }

  @Test
  void aScheduledRunStartsAtItsTimeAndSuspendStopsIt() {
    AdjustableClock clock = new AdjustableClock();
    start(clock, b -> {});
    registry("images", 1);
    clock.offset(offsetToNextMinuteIn(4));
    GcSchedule created =
        schedule(
            "minutely",
            "images",
            s -> {
              GcScheduleSpec.Schedule cron = new GcScheduleSpec.Schedule();
              cron.setCron("* * * * *");
              cron.setTimeZone("Europe/Berlin");
              s.setSchedule(cron);
              s.setMode(MaintenanceMode.ScaleToZero);
            });
    eventually()
        .untilAsserted(() -> assertThat(get("minutely").getStatus().getNextRunTime()).isNotNull());
    assertThat(Instant.parse(get("minutely").getStatus().getNextRunTime()).getEpochSecond() % 60)
        .isZero();

    // the first minute after the schedule exists: on a loaded machine the registry may take longer
    // than the clock's 4 s lead, and the run then comes at the minute after
    GcRunRecord run = awaitFinished("minutely", 1, Duration.ofSeconds(95));
    assertThat(run.getTrigger()).isEqualTo(GcRunTrigger.Schedule);
    assertThat(
            Instant.parse(get("minutely").getStatus().getLastScheduleTime()).getEpochSecond() % 60)
        .isZero();

    client
        .resources(GcSchedule.class)
        .inNamespace(NAMESPACE)
        .withName("minutely")
        .edit(
            s -> {
              s.getSpec().getSchedule().setSuspend(true);
              return s;
            });
    eventually()
        .untilAsserted(
            () -> {
              GcSchedule s = get("minutely");
              assertThat(s.getStatus().getNextRunTime()).isNull();
              assertThat(Conditions.find(s.getStatus().getConditions(), "Running"))
                  .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("Suspended"));
            });
    assertThat(created).isNotNull();
  }

  @Test
  void aRunMissedWhileTheOperatorWasDownRunsOnceWithinItsDeadline() throws Exception {
    // the operator's clock is set once the registry serves, however long that took (a loaded CI
    // machine took more than the few seconds a fixed offset allowed)
    AdjustableClock clock = new AdjustableClock();
    start(clock, b -> {});
    registry("images", 1);
    harness.stopOperator();
    clock.offset(offsetToNextMinuteIn(3));
    schedule(
        "late",
        "images",
        s -> {
          GcScheduleSpec.Schedule cron = new GcScheduleSpec.Schedule();
          cron.setCron("* * * * *");
          cron.setStartingDeadlineSeconds(300L);
          s.setSchedule(cron);
          s.setMode(MaintenanceMode.ScaleToZero);
        });
    schedule(
        "too-late",
        "images",
        s -> {
          GcScheduleSpec.Schedule cron = new GcScheduleSpec.Schedule();
          cron.setCron("* * * * *");
          cron.setStartingDeadlineSeconds(1L);
          s.setSchedule(cron);
        });
    Thread.sleep(6000); // the scheduled minute passes with no operator
    harness.startOperator();

    GcRunRecord run = awaitFinished("late", 1);
    assertThat(run.getTrigger()).isEqualTo(GcRunTrigger.Schedule);
    eventually()
        .untilAsserted(
            () -> {
              assertThat(get("too-late").getStatus().getLastScheduleTime()).isNotNull();
              assertThat(harness.eventsFor("GcSchedule", "too-late"))
                  .extracting(Event::getReason)
                  .contains("MissedSchedule");
            });
    assertThat(get("too-late").getStatus().getRunCount()).isNull();
  }
}
