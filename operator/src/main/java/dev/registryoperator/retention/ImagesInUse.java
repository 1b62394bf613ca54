package dev.registryoperator.retention;

import dev.registryoperator.gcreport.retention.Protection;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Collects, object by object, the images of one Registry that workloads name, into the {@link
 * Protection} retention must honour. Pure; fed a page of a list at a time, so that a large cluster
 * is never held in memory whole, only the references found.
 *
 * <p>What counts: every container, init container and ephemeral container image of a Pod, and of
 * the pod template of a Deployment, StatefulSet, DaemonSet, Job or CronJob, whatever its replicas
 * or suspension (a Deployment scaled to zero or a CronJob that runs tonight still needs its image);
 * and for a Pod also the digest its runtime reports ({@code imageID}), which still protects what
 * runs after its tag was moved. Only images whose host means the Registry ({@link RegistryHosts});
 * each is recorded as {@link ImageReference#inRegistry()} with users such as {@code Pod
 * default/web-7d9f}.
 */
public final class ImagesInUse {
  private final RegistryHosts hosts;
  private final Map<String, List<String>> usersByReference = new HashMap<>();

  public ImagesInUse(RegistryHosts hosts) {
    this.hosts = hosts;
  }

  /** The protection of {@code workloads}, all at once (tests, small clusters). */
  public static Protection of(RegistryHosts hosts, Workloads workloads) {
    ImagesInUse images = new ImagesInUse(hosts);
    workloads.pods().forEach(images::add);
    workloads.deployments().forEach(images::add);
    workloads.statefulSets().forEach(images::add);
    workloads.daemonSets().forEach(images::add);
    workloads.jobs().forEach(images::add);
    workloads.cronJobs().forEach(images::add);
    return images.protection();
  }

  public void add(Pod pod) {
    String user = user(pod);
    addSpec(user, pod.getSpec());
    PodStatus status = pod.getStatus();
    if (status != null) {
      Stream.of(
              status.getContainerStatuses(),
              status.getInitContainerStatuses(),
              status.getEphemeralContainerStatuses())
          .flatMap(ImagesInUse::stream)
          .map(ContainerStatus::getImageID)
          .forEach(imageId -> record(ImageReference.parseImageId(imageId), user));
    }
  }

  public void add(Deployment deployment) {
    addTemplate(deployment, d -> d.getSpec() == null ? null : d.getSpec().getTemplate());
  }

  public void add(StatefulSet statefulSet) {
    addTemplate(statefulSet, s -> s.getSpec() == null ? null : s.getSpec().getTemplate());
  }

  public void add(DaemonSet daemonSet) {
    addTemplate(daemonSet, d -> d.getSpec() == null ? null : d.getSpec().getTemplate());
  }

  public void add(Job job) {
    addTemplate(job, j -> j.getSpec() == null ? null : j.getSpec().getTemplate());
  }

  public void add(CronJob cronJob) {
    addTemplate(
        cronJob,
        c -> {
          JobTemplateSpec jobTemplate = c.getSpec() == null ? null : c.getSpec().getJobTemplate();
          return jobTemplate == null || jobTemplate.getSpec() == null
              ? null
              : jobTemplate.getSpec().getTemplate();
        });
  }

  /** What was found so far. */
  public Protection protection() {
    return new Protection(usersByReference);
  }

  private <T extends HasMetadata> void addTemplate(
      T workload, Function<T, PodTemplateSpec> template) {
    PodTemplateSpec spec = template.apply(workload);
    addSpec(user(workload), spec == null ? null : spec.getSpec());
  }

  private void addSpec(String user, PodSpec spec) {
    if (spec == null) {
      return;
    }
    Stream.concat(
            Stream.concat(stream(spec.getContainers()), stream(spec.getInitContainers()))
                .map(Container::getImage),
            stream(spec.getEphemeralContainers()).map(EphemeralContainer::getImage))
        .forEach(image -> record(ImageReference.parse(image), user));
  }

  private void record(Optional<ImageReference> image, String user) {
    image
        .filter(i -> hosts.contains(i.host()))
        .ifPresent(
            i ->
                usersByReference.computeIfAbsent(i.inRegistry(), k -> new ArrayList<>()).add(user));
  }

  /**
   * {@code Kind namespace/name}, as the GC report names who uses an image. The kind comes from the
   * class: items of a list need not carry theirs.
   */
  static String user(HasMetadata workload) {
    return HasMetadata.getKind(workload.getClass())
        + " "
        + workload.getMetadata().getNamespace()
        + "/"
        + workload.getMetadata().getName();
  }

  private static <T> Stream<T> stream(List<T> list) {
    return list == null ? Stream.empty() : list.stream();
  }
}
