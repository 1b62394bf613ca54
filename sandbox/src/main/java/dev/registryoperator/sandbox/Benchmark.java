package dev.registryoperator.sandbox;

import dev.registryoperator.fakecluster.ClusterEvent;
import dev.registryoperator.gc.GcRunRecord;
import dev.registryoperator.gcrunner.testkit.PushedImage;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs N GC cycles (ReadOnly mode) in the sandbox and prints, per cycle: the GC runner's own time
 * (its report's {@code durationSeconds}, and the process's wall time, JVM start included), the time
 * pushes were refused as a concurrent pusher measured it (first 405 to the first success after the
 * last one), and the difference, which is what the operator, the stand-in cluster and the
 * registry's restarts add to the window. A timeline per cycle says where that time goes.
 */
final class Benchmark {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  private final PrintStream out;
  private final int cycles;

  Benchmark(PrintStream out, int cycles) {
    this.out = out;
    this.cycles = cycles;
  }

  /** One cycle's measurements, in seconds. */
  record Cycle(
      int n,
      String result,
      long reclaimedBytes,
      double runnerReport,
      double runnerProcess,
      double refused,
      long statusRefused,
      long statusSeconds,
      Timeline timeline) {
    double added() {
      return refused - runnerProcess;
    }
  }

  /** Where the window goes: the moments of one run, in seconds from the first refused push. */
  record Timeline(
      double roPodStart,
      double roPodReady,
      double oldPodStopped,
      double oldPodExited,
      double jobCreated,
      double gcStart,
      double gcExit,
      double jobComplete,
      double rolloutBack,
      double rwPodStart,
      double rwPodReady,
      double firstSuccess) {}

  int run() throws Exception {
    List<Cycle> results = new ArrayList<>();
    try (Sandbox sandbox = Sandbox.builder().start()) {
      out.println(
          "GC benchmark: "
              + cycles
              + " cycles, ReadOnly mode, a concurrent pusher (a push every 10 ms); "
              + (sandbox.settings().runtime().podProbePeriods()
                  ? "readiness probed as a kubelet does (the pods' periodSeconds)"
                  : "readiness probed every "
                      + sandbox.settings().runtime().probeInterval().toMillis()
                      + " ms")
              + "; the fake cluster looks every "
              + sandbox.settings().clusterTick().toMillis()
              + " ms");
      UserActions user = new UserActions(sandbox);
      user.createRegistryFromExample("registry-minimal.yaml", r -> {});
      user.awaitRegistryServing(Demo.REGISTRY, TIMEOUT);
      user.createOnDemandSchedule(Demo.REGISTRY, spec -> {});
      user.awaitScheduleReady(Demo.SCHEDULE, TIMEOUT);
      String url = user.serviceUrl(Demo.REGISTRY);
      GcObserver observer = new GcObserver();
      sandbox.runtime().addJobListener(observer);
      SampleImages images = new SampleImages(url, 11);
      for (int n = 1; n <= cycles; n++) {
        List<PushedImage> pushed = images.pushMany("bench/c" + n, 40, 256 * 1024);
        images.delete(pushed.subList(0, 20));
        Thread.sleep(300);
        Instant requested;
        GcRunRecord run;
        try (TrafficProbe traffic = new TrafficProbe(url, "bench/pusher", Duration.ofMillis(10))) {
          traffic.startPushing();
          Thread.sleep(300);
          requested = Instant.now();
          user.requestRun(Demo.SCHEDULE);
          run = user.awaitRunFinished(Demo.SCHEDULE, n, TIMEOUT);
          Thread.sleep(300);
          traffic.close();
          GcObserver.Observed gc = observer.lastCollection().orElseThrow();
          TrafficProbe.Window window =
              traffic
                  .refusedWindow()
                  .orElseThrow(() -> new IllegalStateException("pushes were never refused"));
          Cycle cycle =
              new Cycle(
                  n,
                  run.getResult() + " " + run.getReason(),
                  run.getReclaimedBytes(),
                  gc.runnerSeconds().orElse(Double.NaN),
                  seconds(gc.job().wallTime().orElseThrow()),
                  seconds(window.duration()),
                  run.getWritesRefusedSeconds(),
                  run.getWriteUnavailableSeconds(),
                  timeline(sandbox, requested, window, gc));
          results.add(cycle);
          print(cycle);
        }
      }
    }
    summary(results);
    return 0;
  }

  private Timeline timeline(
      Sandbox sandbox, Instant requested, TrafficProbe.Window window, GcObserver.Observed gc) {
    Instant origin = window.firstRefused();
    List<ProcessRecord> registries =
        sandbox.runtime().processes().stream()
            .filter(p -> p.kind() == ProcessRecord.Kind.Registry)
            .toList();
    ProcessRecord old =
        registries.stream()
            .filter(p -> p.aliveDuring(requested, requested))
            .findFirst()
            .orElseThrow();
    ProcessRecord readOnly =
        registries.stream().filter(p -> p.startedAt().isAfter(requested)).findFirst().orElseThrow();
    ProcessRecord restored =
        registries.stream()
            .filter(p -> p.startedAt().isAfter(gc.job().exitedAt()))
            .findFirst()
            .orElseThrow();
    String job = gc.job().owner().substring("Job/".length());
    List<ClusterEvent> events = sandbox.cluster().log().events();
    Instant created = find(events, "job " + job + " created", requested);
    Instant complete = find(events, "job " + job + " complete", requested);
    Instant back =
        events.stream()
            .filter(
                e ->
                    e.at().isAfter(gc.job().exitedAt())
                        && e.line().matches("deployment .* rollout started.*"))
            .map(ClusterEvent::at)
            .findFirst()
            .orElse(null);
    return new Timeline(
        s(origin, readOnly.startedAt()),
        s(origin, readOnly.readyAt()),
        s(origin, old.stopRequestedAt()),
        s(origin, old.exitedAt()),
        s(origin, created),
        s(origin, gc.job().startedAt()),
        s(origin, gc.job().exitedAt()),
        s(origin, complete),
        s(origin, back),
        s(origin, restored.startedAt()),
        s(origin, restored.readyAt()),
        s(origin, window.firstSuccessAfter()));
  }

  private static Instant find(List<ClusterEvent> events, String line, Instant after) {
    return events.stream()
        .filter(e -> e.line().equals(line) && e.at().isAfter(after))
        .map(ClusterEvent::at)
        .findFirst()
        .orElse(null);
  }

  private void print(Cycle c) {
    Timeline t = c.timeline();
    out.printf(
        "cycle %d: %s, reclaimed %,d bytes; runner %.2f s (report %.2f s); pushes refused %.2f s "
            + "(status: %d s, at most %d s); added %.2f s%n",
        c.n(),
        c.result(),
        c.reclaimedBytes(),
        c.runnerProcess(),
        c.runnerReport(),
        c.refused(),
        c.statusRefused(),
        c.statusSeconds(),
        c.added());
    out.printf(
        "  timeline from the first refused push (s): read-only pod started %+.2f, ready %+.2f; old pod "
            + "stop %+.2f, exited %+.2f; Job created %+.2f; GC process %+.2f .. %+.2f; Job complete %+.2f; "
            + "rollout back %+.2f; writable pod started %+.2f, ready %+.2f; first push accepted %+.2f%n",
        t.roPodStart(),
        t.roPodReady(),
        t.oldPodStopped(),
        t.oldPodExited(),
        t.jobCreated(),
        t.gcStart(),
        t.gcExit(),
        t.jobComplete(),
        t.rolloutBack(),
        t.rwPodStart(),
        t.rwPodReady(),
        t.firstSuccess());
    out.printf(
        "  before GC %.2f s (old pod gone -> GC process %.2f s); after GC %.2f s (GC exit -> Job complete "
            + "%.2f s, -> rollout back %.2f s, -> writable pod ready %.2f s, -> push accepted %.2f s)%n",
        t.gcStart(),
        t.gcStart() - t.oldPodExited(),
        t.firstSuccess() - t.gcExit(),
        t.jobComplete() - t.gcExit(),
        t.rolloutBack() - t.jobComplete(),
        t.rwPodReady() - t.rolloutBack(),
        t.firstSuccess() - t.rwPodReady());
    out.flush();
  }

  private void summary(List<Cycle> results) {
    out.println();
    out.println(
        "| cycle | runner (report) | runner (process) | pushes refused | operator adds "
            + "| status writesRefusedSeconds | status writeUnavailableSeconds |");
    out.println("| --- | --- | --- | --- | --- | --- | --- |");
    for (Cycle c : results) {
      out.printf(
          "| %d | %.2f s | %.2f s | %.2f s | %.2f s | %d | %d |%n",
          c.n(),
          c.runnerReport(),
          c.runnerProcess(),
          c.refused(),
          c.added(),
          c.statusRefused(),
          c.statusSeconds());
    }
    out.printf(
        "| median | %.2f s | %.2f s | %.2f s | %.2f s | | |%n",
        median(results.stream().map(Cycle::runnerReport).toList()),
        median(results.stream().map(Cycle::runnerProcess).toList()),
        median(results.stream().map(Cycle::refused).toList()),
        median(results.stream().map(Cycle::added).toList()));
    out.flush();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int m = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
  }

  private static double s(Instant origin, Instant t) {
    return t == null ? Double.NaN : Duration.between(origin, t).toMillis() / 1000.0;
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
