package dev.registryoperator.retention;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;

/**
 * The objects whose images retention protects, as listed from the cluster: the pods that run now
 * and the controllers that start more.
 */
public record Workloads(
    List<Pod> pods,
    List<Deployment> deployments,
    List<StatefulSet> statefulSets,
    List<DaemonSet> daemonSets,
    List<Job> jobs,
    List<CronJob> cronJobs) {
  public Workloads {
    pods = List.copyOf(pods);
    deployments = List.copyOf(deployments);
    statefulSets = List.copyOf(statefulSets);
    daemonSets = List.copyOf(daemonSets);
    jobs = List.copyOf(jobs);
    cronJobs = List.copyOf(cronJobs);
  }
}
