package dev.registryoperator.sandbox;

import dev.registryoperator.fakecluster.PodRuntime;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A {@link PodRuntime} that runs real processes: each pod's first container becomes a process on
 * this machine ({@link ContainerProcess}), started from the {@link LocalImage} with the pod's own
 * command line ({@link ContainerCommand}), environment ({@link ContainerEnvironment}) and volumes
 * ({@link PodFiles}), its ports free loopback ports ({@link ContainerPorts}). A registry pod is
 * {@code registry serve} with the config.yml the operator rendered, rewritten by {@link
 * RegistryConfigRewriter} to listen on those ports and keep its data in the claim's local
 * directory; it is ready when its readiness probe ({@link ReadinessProbe}: {@code /debug/health} on
 * the debug port) answers, and serves its Services ({@link Endpoints}) while it is. A GC Job pod is
 * {@code java -jar gc-runner.jar} with the Job's own arguments, its {@code /dev/termination-log} a
 * local file whose content becomes the {@link TerminationMessage}; {@link JobListener}s hear of it
 * right before it starts and right after it exits.
 *
 * <p>Stopping a pod: its Service endpoints drain, then SIGTERM to its process group, the grace
 * period, then SIGKILL. Every process it started is recorded ({@link #processes()}).
 */
public final class ProcessPodRuntime implements PodRuntime {
  /**
   * Timings of the stand-in kubelet.
   *
   * @param probeInterval how often readiness probes run (a laptop's stand-in: much more often than
   *     a kubelet)
   * @param podProbePeriods probe as a kubelet does instead: first right at container start, then
   *     every {@code periodSeconds} of the pod's readiness probe (to see what the probe period
   *     costs)
   * @param maxGracePeriod the longest a stopped pod may take to exit before SIGKILL
   * @param drainTimeout how long a stopped pod's Service connections may take to finish before
   *     SIGTERM
   */
  public record Settings(
      Duration probeInterval,
      boolean podProbePeriods,
      Duration maxGracePeriod,
      Duration drainTimeout) {
    public static Settings defaults() {
      return new Settings(
          Duration.ofMillis(50),
          Boolean.getBoolean("sandbox.podProbePeriods"),
          Duration.ofSeconds(10),
          Duration.ofSeconds(5));
    }
  }

  private final KubernetesClient client;
  private final LocalImage image;
  private final Path podsDir;
  private final Path dataRoot;
  private final Endpoints endpoints;
  private final Settings settings;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final List<ProcessRecord> history = new CopyOnWriteArrayList<>();
  private final List<JobListener> jobListeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService probes =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "sandbox-probes");
            t.setDaemon(true);
            return t;
          });
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  ProcessPodRuntime(
      KubernetesClient client,
      LocalImage image,
      Path podsDir,
      Path dataRoot,
      Endpoints endpoints,
      Settings settings) {
    this.client = client;
    this.image = image;
    this.podsDir = podsDir;
    this.dataRoot = dataRoot;
    this.endpoints = endpoints;
    this.settings = settings;
    long period = settings.probeInterval().toMillis();
    probes.scheduleWithFixedDelay(this::probeAll, period, period, TimeUnit.MILLISECONDS);
  }

  /** A started pod, until it has been stopped or reported as exited. */
  private static final class Running {
    final PodFiles files;
    final ContainerProcess process;
    final ProcessRecord record;
    final ReadinessProbe probe; // null: ready once running
    final String terminationMessagePolicy;
    volatile boolean ready;
    volatile boolean stopping;
    volatile boolean exitHandled;

    Running(
        PodFiles files,
        ContainerProcess process,
        ProcessRecord record,
        ReadinessProbe probe,
        String terminationMessagePolicy) {
      this.files = files;
      this.process = process;
      this.record = record;
      this.probe = probe;
      this.terminationMessagePolicy = terminationMessagePolicy;
      this.ready = probe == null;
    }

    String terminationMessage() {
      return TerminationMessage.read(
          files.terminationMessage(), files.log(), terminationMessagePolicy, record.exitCode());
    }
  }

  public void addJobListener(JobListener listener) {
    jobListeners.add(listener);
  }

  /** Every process started so far, in order, finished ones included. */
  public List<ProcessRecord> processes() {
    return List.copyOf(history);
  }

  /** Processes of pods that have not been stopped or reported as exited yet. */
  public List<ProcessRecord> live() {
    return running.values().stream().map(r -> r.record).toList();
  }

  @Override
  public void start(Pod pod, HasMetadata owner) throws Exception {
    Container container = pod.getSpec().getContainers().get(0);
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    String uid = pod.getMetadata().getUid();
    boolean job = owner instanceof Job;
    PodFiles files =
        PodFiles.prepare(
            client, pod, container, podsDir.resolve(namespace).resolve(name), dataRoot);
    ContainerPorts ports = ContainerPorts.allocate(container);
    RegistryConfigRewriter.rewriteMounted(files, ports.byContainerPort());

    List<String> command = ContainerCommand.of(container, image, job, files::map);
    Map<String, String> environment =
        ContainerEnvironment.of(
            image.environment(job),
            pod,
            container.getEnv(),
            files::map,
            ContainerEnvironment.Objects.of(client, namespace));
    String owned = owner == null ? null : owner.getKind() + "/" + owner.getMetadata().getName();
    ProcessRecord record =
        new ProcessRecord(
            job ? ProcessRecord.Kind.Job : ProcessRecord.Kind.Registry,
            namespace,
            name,
            uid,
            owned,
            command,
            files.log(),
            files.terminationMessage(),
            files.claims());
    ReadinessProbe probe = ReadinessProbe.of(container, ports, settings);

    if (job) {
      jobListeners.forEach(l -> l.starting(record));
    }
    ContainerProcess process =
        ContainerProcess.start(command, environment, files.podDir(), files.log());
    record.started(process.pid(), Instant.now());
    history.add(record);
    Running r = new Running(files, process, record, probe, container.getTerminationMessagePolicy());
    running.put(uid, r);
    if (!ports.isEmpty()) {
      Map<String, String> labels =
          pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
      Endpoints.Endpoint endpoint = new Endpoints.Endpoint(uid, namespace, name, labels, ports);
      endpoint.ready = r.ready;
      endpoints.add(endpoint);
    }
    if (r.ready) {
      record.ready(Instant.now());
    }
    process.onExit().thenRun(() -> onExit(r));
  }

  private void onExit(Running r) {
    r.record.exited(r.process.exitValue(), Instant.now());
    r.ready = false;
    endpoints.setReady(r.record.uid(), false);
    r.process.kill(); // what the container's main process left behind dies with the container
    if (r.record.kind() == ProcessRecord.Kind.Job) {
      for (JobListener l : jobListeners) {
        try {
          l.exited(r.record);
        } catch (RuntimeException e) {
          // a listener's failure must not keep the pod running
        }
      }
    }
    r.exitHandled = true;
  }

  @Override
  public boolean isReady(Pod pod) {
    Running r = running.get(pod.getMetadata().getUid());
    return r != null && r.ready && !r.stopping && r.process.isAlive();
  }

  @Override
  public Optional<Termination> poll(Pod pod) {
    Running r = running.get(pod.getMetadata().getUid());
    if (r == null || r.stopping || !r.exitHandled) {
      return Optional.empty();
    }
    running.remove(r.record.uid());
    endpoints.remove(r.record.uid());
    return Optional.of(Termination.exited(r.record.exitCode(), r.terminationMessage()));
  }

  @Override
  public Termination stop(Pod pod) throws Exception {
    Running r = running.get(pod.getMetadata().getUid());
    if (r == null) {
      return Termination.exited(143, null);
    }
    r.stopping = true;
    r.record.stopRequested(Instant.now());
    endpoints.drain(r.record.uid(), settings.drainTimeout());
    r.process.terminate();
    if (!r.process.waitFor(gracePeriod(pod))) {
      r.process.kill();
      r.process.waitFor(Duration.ofSeconds(10));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!r.exitHandled && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    running.remove(r.record.uid());
    endpoints.remove(r.record.uid());
    return Termination.exited(
        r.record.exitCode() == null ? 137 : r.record.exitCode(), r.terminationMessage());
  }

  /** The pod's termination grace period (default 30 s), at most the settings' maximum. */
  private Duration gracePeriod(Pod pod) {
    Long podGrace = pod.getSpec() == null ? null : pod.getSpec().getTerminationGracePeriodSeconds();
    Duration grace = podGrace == null ? Duration.ofSeconds(30) : Duration.ofSeconds(podGrace);
    return grace.compareTo(settings.maxGracePeriod()) > 0 ? settings.maxGracePeriod() : grace;
  }

  /** Stops every process still running, all at once. */
  @Override
  public void close() {
    List<Running> all = new ArrayList<>(running.values());
    for (Running r : all) {
      r.stopping = true;
      Endpoints.Endpoint e = endpoints.get(r.record.uid());
      if (e != null) {
        e.draining = true;
      }
      r.record.stopRequested(Instant.now());
      r.process.terminate();
    }
    for (Running r : all) {
      try {
        if (!r.process.waitFor(settings.maxGracePeriod())) {
          r.process.kill();
          r.process.waitFor(Duration.ofSeconds(10));
        }
        r.process.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        r.process.kill();
      }
      running.remove(r.record.uid());
      endpoints.remove(r.record.uid());
    }
    probes.shutdownNow();
  }

  private void probeAll() {
    long now = System.nanoTime();
    for (Running r : running.values()) {
      if (r.probe == null || r.stopping || !r.process.isAlive()) {
        continue;
      }
      r.probe.runIfDue(http, now, ok -> setReady(r, ok && !r.stopping && r.process.isAlive()));
    }
  }

  private void setReady(Running r, boolean ready) {
    r.ready = ready;
    if (ready) {
      r.record.ready(Instant.now());
    }
    endpoints.setReady(r.record.uid(), ready);
  }
}
