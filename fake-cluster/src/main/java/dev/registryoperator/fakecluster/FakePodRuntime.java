package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default {@link PodRuntime}: runs nothing, only keeps time. A pod is ready {@code readyDelay}
 * after it started; stopping takes {@code terminationGrace} (none when the pod's {@code
 * terminationGracePeriodSeconds} is 0) and ends with exit 143 (SIGTERM). Pods of Jobs exit as the
 * {@link JobBehaviour} says; other pods never exit on their own.
 */
public final class FakePodRuntime implements PodRuntime {
  private record Running(Instant started, JobBehaviour.Run run) {}

  private final Duration readyDelay;
  private final Duration terminationGrace;
  private final Duration defaultJobRunTime;
  private final JobBehaviour jobBehaviour;
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  public FakePodRuntime(
      Duration readyDelay,
      Duration terminationGrace,
      Duration defaultJobRunTime,
      JobBehaviour jobBehaviour) {
    this.readyDelay = readyDelay;
    this.terminationGrace = terminationGrace;
    this.defaultJobRunTime = defaultJobRunTime;
    this.jobBehaviour = jobBehaviour;
  }

  @Override
  public void start(Pod pod, HasMetadata owner) {
    JobBehaviour.Run run = owner instanceof Job job ? jobBehaviour.run(job) : null;
    running.put(pod.getMetadata().getUid(), new Running(Instant.now(), run));
  }

  @Override
  public boolean isReady(Pod pod) {
    Running r = running.get(pod.getMetadata().getUid());
    return r != null && !Instant.now().isBefore(r.started().plus(readyDelay));
  }

  @Override
  public Optional<Termination> poll(Pod pod) {
    String uid = pod.getMetadata().getUid();
    Running r = running.get(uid);
    if (r == null || r.run() == null || r.run().hang()) {
      return Optional.empty();
    }
    Duration runTime = r.run().runTime() != null ? r.run().runTime() : defaultJobRunTime;
    if (Instant.now().isBefore(r.started().plus(runTime))) {
      return Optional.empty();
    }
    running.remove(uid);
    return Optional.of(Termination.exited(r.run().exitCode(), r.run().terminationMessage()));
  }

  @Override
  public Termination stop(Pod pod) throws InterruptedException {
    Long podGrace = pod.getSpec() == null ? null : pod.getSpec().getTerminationGracePeriodSeconds();
    if (podGrace == null || podGrace > 0) {
      Thread.sleep(terminationGrace.toMillis());
    }
    running.remove(pod.getMetadata().getUid());
    return Termination.exited(143, null);
  }

  @Override
  public void close() {
    running.clear();
  }
}
