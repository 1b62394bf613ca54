package dev.registryoperator.sandbox;

import dev.registryoperator.gc.GcRunRecord;
import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.gcrunner.testkit.PushedImage;
import dev.registryoperator.gcrunner.testkit.StorageSnapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The README's run command: starts the sandbox, creates {@code examples/registry-minimal.yaml} and
 * an on-demand GcSchedule for it, pushes a few images, deletes some, requests a GC run, and prints
 * as it happens what {@code kubectl get registries,gcschedules} shows; then how long pushes were
 * refused (a concurrent pusher measures it), the bytes reclaimed against the bytes that left the
 * disk, and a pull of every tagged image. With {@code keepRunning} it stops before requesting the
 * run and stays up for kubectl until Ctrl-C.
 */
final class Demo {
  static final String REGISTRY = "images";
  static final String SCHEDULE = "on-demand";
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

  private final PrintStream out;
  private final boolean keepRunning;
  private final Consumer<Sandbox.Builder> settings;

  Demo(PrintStream out, boolean keepRunning) {
    this(out, keepRunning, b -> {});
  }

  /** {@code settings} may change the sandbox's (e.g. its work directory, in tests). */
  Demo(PrintStream out, boolean keepRunning, Consumer<Sandbox.Builder> settings) {
    this.out = out;
    this.keepRunning = keepRunning;
    this.settings = settings;
  }

  int run() throws Exception {
    Instant origin = Instant.now();
    Sandbox.Builder builder = Sandbox.builder().out(line -> out.println("         " + line));
    settings.accept(builder);
    Sandbox sandbox = builder.start();
    boolean ok = false;
    try (StatusPrinter printer =
        new StatusPrinter(sandbox.client(), Sandbox.NAMESPACE, out, origin)) {
      header(sandbox);
      UserActions user = new UserActions(sandbox);
      GcObserver observer = new GcObserver();
      sandbox.runtime().addJobListener(observer);

      if (!sandbox.operatorRunning()) {
        say(
            "No operator runs in the sandbox (-Dsandbox.externalOperator=true). Start one against it:");
        say(
            "  KUBECONFIG="
                + sandbox.kubeconfig()
                + " HEALTH_PORT=8081 java -jar operator/target/registry-operator.jar");
      }
      say("$ kubectl create -f examples/registry-minimal.yaml");
      user.createRegistryFromExample("registry-minimal.yaml", r -> {});
      user.awaitRegistryServing(REGISTRY, STEP_TIMEOUT);
      String url = user.serviceUrl(REGISTRY);
      say(
          "Registry "
              + REGISTRY
              + " serves at "
              + url
              + " (the Service's local address: pods come and go, "
              + "this address stays)");

      say(
          "$ kubectl create -f examples/gcschedule-on-demand.yaml   # with registryRef.name: "
              + REGISTRY);
      user.createOnDemandSchedule(REGISTRY, spec -> {});
      user.awaitScheduleReady(SCHEDULE, STEP_TIMEOUT);

      SampleImages images = new SampleImages(url, 7);
      List<PushedImage> pushed = images.push(1024 * 1024);
      say("pushed " + pushed.size() + " images: " + references(pushed));
      List<PushedImage> deleted = images.deleteOld();
      say(
          "deleted "
              + references(deleted)
              + " (by digest): "
              + images.garbageDigests().size()
              + " blobs are now garbage");
      Path storage = user.storageOf(REGISTRY);
      say(
          "storage: "
              + storage
              + " ("
              + StorageSnapshot.of(storage).blobSizes().size()
              + " blobs)");

      if (keepRunning) {
        printer.printChanges();
        stayUp(sandbox, url);
        return 0;
      }

      try (TrafficProbe traffic = new TrafficProbe(url, "demo/pusher", Duration.ofMillis(25))) {
        traffic.startPushing().startPulling("team/web", "stable");
        Thread.sleep(500);
        String at = user.requestRun(SCHEDULE);
        say(
            "$ kubectl annotate gcs "
                + SCHEDULE
                + " "
                + GcSchedule.RUN_REQUESTED_AT
                + "="
                + at
                + " --overwrite");
        GcRunRecord run = user.awaitRunFinished(SCHEDULE, 1, STEP_TIMEOUT);
        Thread.sleep(500);
        traffic.close();
        printer.printChanges();
        ok = report(sandbox, run, traffic, observer, images, origin);
        printMetrics(sandbox);
      }
    } finally {
      sandbox.close();
    }
    List<ProcessHandle> left =
        ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    say(
        "sandbox stopped: "
            + sandbox.runtime().processes().size()
            + " processes were started, "
            + (left.isEmpty() ? "none is left" : left.size() + " still alive: " + left));
    return ok && left.isEmpty() ? 0 : 1;
  }

  private boolean report(
      Sandbox sandbox,
      GcRunRecord run,
      TrafficProbe traffic,
      GcObserver observer,
      SampleImages images,
      Instant origin)
      throws IOException {
    say("");
    say(
        "run "
            + run.getId()
            + ": "
            + run.getResult()
            + " "
            + run.getReason()
            + ": "
            + run.getMessage());
    Optional<GcObserver.Observed> gc = observer.lastCollection();
    boolean ok = "Succeeded".equals(String.valueOf(run.getResult()));
    if (gc.isPresent()) {
      GcObserver.Observed o = gc.get();
      say(
          String.format(
              "GC runner: process %.2f s (its report: %s s)",
              o.job().wallTime().map(d -> d.toMillis() / 1000.0).orElse(Double.NaN),
              o.runnerSeconds().map(s -> String.format("%.2f", s)).orElse("?")));
      long freed = o.bytesFreed();
      boolean same = run.getReclaimedBytes() != null && run.getReclaimedBytes() == freed;
      say(
          String.format(
              "bytes reclaimed: status %,d; blob data gone from disk %,d (%d blobs) %s",
              run.getReclaimedBytes(),
              freed,
              o.after().goneSince(o.before()).size(),
              same ? "- equal" : "- DIFFERENT"));
      ok &= same;
    }
    Optional<TrafficProbe.Window> window = traffic.refusedWindow();
    long refused =
        traffic.pushes().stream().filter(a -> a.outcome() == TrafficProbe.Outcome.Refused).count();
    long pushedOk =
        traffic.pushes().stream().filter(a -> a.outcome() == TrafficProbe.Outcome.Ok).count();
    if (window.isPresent()) {
      TrafficProbe.Window w = window.get();
      say(
          String.format(
              "pushes refused (HTTP 405) from +%.1fs to +%.1fs: %.2f s by the pusher's clock "
                  + "(status: %d s, at most %d s from the request); %d pushes refused, %d succeeded",
              seconds(origin, w.firstRefused()),
              seconds(origin, w.firstSuccessAfter()),
              w.duration().toMillis() / 1000.0,
              run.getWritesRefusedSeconds(),
              run.getWriteUnavailableSeconds(),
              refused,
              pushedOk));
      if (gc.isPresent()) {
        double runner = gc.get().job().wallTime().map(d -> d.toMillis() / 1000.0).orElse(0.0);
        say(
            String.format(
                "the operator added %.2f s to the GC runner's own time",
                w.duration().toMillis() / 1000.0 - runner));
      }
    } else {
      say("pushes were never refused (" + pushedOk + " succeeded)");
    }
    long pullFailures =
        traffic.pulls().stream().filter(a -> a.outcome() != TrafficProbe.Outcome.Ok).count();
    say(
        traffic.pulls().size()
            + " pulls of team/web:stable during the run, "
            + pullFailures
            + " failed");
    ok &= pullFailures == 0;
    int verified =
        images.verifyKept() + images.verifyTags(traffic.pushRepository(), traffic.pushedTags());
    say("every tagged image pulls with verified digests: " + verified + " images");
    Path storage = new UserActions(sandbox).storageOf(REGISTRY);
    StorageSnapshot after = StorageSnapshot.of(storage);
    long garbageLeft = images.garbageDigests().stream().filter(after::contains).count();
    say("blobs of the deleted images still on disk: " + garbageLeft);
    return ok && garbageLeft == 0;
  }

  /** What Prometheus scrapes from the operator after the run: its GC figures, from status. */
  private void printMetrics(Sandbox sandbox) throws IOException {
    say("$ curl -s " + sandbox.metricsUrl() + " | grep ^registry_operator_ | grep -v _bucket");
    PlainHttp.Response metrics =
        PlainHttp.send("GET", URI.create(sandbox.metricsUrl()), Map.of(), null);
    new String(metrics.body(), StandardCharsets.UTF_8)
        .lines()
        .filter(l -> l.startsWith("registry_operator_") && !l.contains("_bucket{"))
        .forEach(l -> out.println("           " + l));
  }

  private void header(Sandbox sandbox) {
    out.println(
        "registry-operator sandbox: the operator, an API server and real registry processes, no cluster");
    out.println(
        "  API server   " + sandbox.apiUrl() + "   (kubeconfig: " + sandbox.kubeconfig() + ")");
    out.println("  metrics      " + sandbox.metricsUrl());
    out.println("  registry     " + sandbox.settings().image().registryBinary());
    out.println("  GC runner    " + sandbox.settings().image().gcRunnerJar());
    out.println(
        "  data         "
            + sandbox.dataRoot()
            + "   (pods' files and logs: "
            + sandbox.podsDir()
            + ")");
    out.println();
  }

  private void stayUp(Sandbox sandbox, String url) throws InterruptedException {
    String kubeconfig = sandbox.kubeconfig().toString();
    out.println();
    out.println("The sandbox stays up until Ctrl-C. In another terminal:");
    out.println("  export KUBECONFIG=" + kubeconfig);
    out.println("  kubectl get registries,gcschedules");
    out.println("  kubectl describe registry " + REGISTRY);
    out.println(
        "  kubectl annotate gcs "
            + SCHEDULE
            + " "
            + GcSchedule.RUN_REQUESTED_AT
            + "=\"$(date -u +%FT%TZ)\" --overwrite");
    out.println("  kubectl wait gcs/" + SCHEDULE + " --for=condition=Running=false --timeout=2m");
    out.println("  kubectl get gcs " + SCHEDULE + " -o jsonpath='{.status.lastRun}'");
    out.println("  curl -s " + url + "/v2/_catalog");
    out.println();
    Thread.currentThread().join(); // until Ctrl-C: the shutdown hook stops everything
  }

  private void say(String line) {
    out.println("         " + line);
    out.flush();
  }

  private static String references(List<PushedImage> images) {
    return String.join(", ", images.stream().map(PushedImage::reference).toList());
  }

  private static double seconds(Instant origin, Instant t) {
    return Duration.between(origin, t).toMillis() / 1000.0;
  }
}
