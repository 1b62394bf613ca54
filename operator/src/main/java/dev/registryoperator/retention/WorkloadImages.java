package dev.registryoperator.retention;

import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the workloads of the whole cluster (Pods, Deployments, StatefulSets, DaemonSets, Jobs,
 * CronJobs, in every namespace: a registry serves images to any namespace) and finds which of one
 * Registry's images they use, for retention to keep ({@link ImagesInUse}). Plain paged lists, no
 * watch or cache: retention asks once per GC run, and an informer on every pod of the cluster would
 * cost memory all the time for that. Each page is read and dropped, so only the references found
 * are held.
 *
 * <p>Switched off with {@link #ENVIRONMENT_VARIABLE}{@code =false} (the chart's {@code
 * retention.protectWorkloads: false}, which also drops the RBAC to list these kinds): then nothing
 * is listed and the check says it was not made.
 */
public final class WorkloadImages {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadImages.class);

  /** {@code true} (the default) or {@code false}. */
  public static final String ENVIRONMENT_VARIABLE = "RETENTION_PROTECT_WORKLOADS";

  public static final boolean DEFAULT_ENABLED = true;

  /** Objects per list request: bounds what one response holds in memory. */
  static final long PAGE_SIZE = 500;

  private final KubernetesClient client;
  private final boolean enabled;
  private final long pageSize;

  /**
   * @param enabled whether to look at workloads at all ({@link #enabledIn})
   */
  public WorkloadImages(KubernetesClient client, boolean enabled) {
    this(client, enabled, PAGE_SIZE);
  }

  WorkloadImages(KubernetesClient client, boolean enabled, long pageSize) {
    this.client = client;
    this.enabled = enabled;
    this.pageSize = pageSize;
  }

  /**
   * The switch as {@code environment} sets it: {@link #ENVIRONMENT_VARIABLE} {@code true} or {@code
   * false} (case and blanks aside), on when unset or empty.
   *
   * @throws IllegalArgumentException on any other value: a misspelt safety switch stops the
   *     operator at start rather than being read one way or the other
   */
  public static boolean enabledIn(Map<String, String> environment) {
    String value = environment.getOrDefault(ENVIRONMENT_VARIABLE, "").trim();
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "" -> DEFAULT_ENABLED;
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              ENVIRONMENT_VARIABLE + " is '" + value + "'; expected true or false");
    };
  }

  public boolean enabled() {
    return enabled;
  }

  /**
   * The images of {@code registry} that workloads use, or {@link WorkloadCheck#NOT_CHECKED} when
   * switched off.
   *
   * @throws KubernetesClientException when a list fails (no RBAC to list a kind, the API server
   *     unreachable): then what is in use is unknown, and retention must delete nothing
   */
  public WorkloadCheck check(Registry registry) {
    if (!enabled) {
      LOG.debug("{} is false: workloads not checked", ENVIRONMENT_VARIABLE);
      return WorkloadCheck.NOT_CHECKED;
    }
    ImagesInUse images = new ImagesInUse(RegistryHosts.of(registry));
    int listed =
        each(client.pods(), images::add)
            + each(client.apps().deployments(), images::add)
            + each(client.apps().statefulSets(), images::add)
            + each(client.apps().daemonSets(), images::add)
            + each(client.batch().v1().jobs(), images::add)
            + each(client.batch().v1().cronjobs(), images::add);
    WorkloadCheck check = new WorkloadCheck(images.protection(), true);
    LOG.info(
        "Workloads checked for Registry {}/{}: {} objects listed, {} of its images in use",
        registry.getMetadata().getNamespace(),
        registry.getMetadata().getName(),
        listed,
        check.protection().usersByReference().size());
    return check;
  }

  /** Hands every object of a kind, in all namespaces, page by page to {@code add}; the count. */
  private <T extends HasMetadata, L extends KubernetesResourceList<T>> int each(
      MixedOperation<T, L, ?> kind, Consumer<T> add) {
    int count = 0;
    String next = null;
    do {
      L page =
          kind.inAnyNamespace()
              .list(new ListOptionsBuilder().withLimit(pageSize).withContinue(next).build());
      page.getItems().forEach(add);
      count += page.getItems().size();
      next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return count;
  }
}
