package dev.registryoperator.sandbox;

import dev.registryoperator.common.Conditions;
import dev.registryoperator.gc.GcRunRecord;
import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.gc.GcScheduleSpec;
import dev.registryoperator.registry.MaintenanceRequest;
import dev.registryoperator.registry.Registry;
import dev.registryoperator.registry.RegistryNames;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;

/**
 * What a user does with kubectl, done with the Fabric8 client the way kubectl does it (create from
 * the example files, annotate with a merge patch), and the waits a user would do ({@code kubectl
 * wait}).
 */
public final class UserActions {
  private final Sandbox sandbox;
  private final KubernetesClient client;
  private final String namespace;

  public UserActions(Sandbox sandbox) {
    this(sandbox, Sandbox.NAMESPACE);
  }

  public UserActions(Sandbox sandbox, String namespace) {
    this.sandbox = sandbox;
    this.client = sandbox.client();
    this.namespace = namespace;
  }

  /**
   * {@code kubectl create -f examples/<file>} for a Registry; {@code customize} may change it
   * first.
   */
  public Registry createRegistryFromExample(String file, Consumer<Registry> customize) {
    Registry registry =
        load(Registry.class, sandbox.settings().repoRoot().resolve("examples").resolve(file));
    registry.getMetadata().setNamespace(namespace);
    customize.accept(registry);
    return client.resource(registry).create();
  }

  /**
   * {@code kubectl create -f examples/gcschedule-on-demand.yaml}, pointed at {@code registry} (the
   * example names another one); {@code customize} may change the spec (mode, deleteUntagged...).
   */
  public GcSchedule createOnDemandSchedule(String registry, Consumer<GcScheduleSpec> customize) {
    GcSchedule schedule =
        load(
            GcSchedule.class,
            sandbox.settings().repoRoot().resolve("examples").resolve("gcschedule-on-demand.yaml"));
    schedule.getMetadata().setNamespace(namespace);
    schedule.getSpec().setRegistryRef(new GcScheduleSpec.RegistryRef(registry));
    customize.accept(schedule.getSpec());
    return client.resource(schedule).create();
  }

  /**
   * {@code kubectl annotate gcs <name> registry.operator.dev/run-requested-at=<now> --overwrite}.
   */
  public String requestRun(String schedule) {
    String at = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    client
        .resources(GcSchedule.class)
        .inNamespace(namespace)
        .withName(schedule)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\""
                + GcSchedule.RUN_REQUESTED_AT
                + "\":\""
                + at
                + "\"}}}");
    return at;
  }

  public Registry registry(String name) {
    return client.resources(Registry.class).inNamespace(namespace).withName(name).get();
  }

  public GcSchedule schedule(String name) {
    return client.resources(GcSchedule.class).inNamespace(namespace).withName(name).get();
  }

  /** {@code kubectl wait --for=condition=Ready registry/<name>}, and no maintenance window. */
  public Registry awaitRegistryServing(String name, Duration timeout) {
    Wait.until(
        timeout,
        "Registry " + name + " Ready and writable",
        () -> {
          Registry r = registry(name);
          return r != null
              && r.getStatus() != null
              && Conditions.find(r.getStatus().getConditions(), "Ready")
                  .filter(c -> "True".equals(c.getStatus()) && "Available".equals(c.getReason()))
                  .isPresent()
              && r.getStatus().getMaintenance() == null
              && (r.getMetadata().getAnnotations() == null
                  || !r.getMetadata().getAnnotations().containsKey(MaintenanceRequest.ANNOTATION));
        });
    return registry(name);
  }

  public GcSchedule awaitScheduleReady(String name, Duration timeout) {
    Wait.until(
        timeout,
        "GcSchedule " + name + " Ready",
        () -> {
          GcSchedule s = schedule(name);
          return s != null
              && s.getStatus() != null
              && Conditions.isTrue(s.getStatus().getConditions(), "Ready");
        });
    return schedule(name);
  }

  /** Waits until the schedule has recorded {@code runs} finished runs and none is in progress. */
  public GcRunRecord awaitRunFinished(String name, long runs, Duration timeout) {
    Wait.until(
        timeout,
        "GcSchedule " + name + " run " + runs + " finished",
        () -> {
          GcSchedule s = schedule(name);
          return s != null
              && s.getStatus() != null
              && s.getStatus().getCurrentRun() == null
              && s.getStatus().getRunCount() != null
              && s.getStatus().getRunCount() >= runs
              && s.getStatus().getLastRun() != null
              && ("r" + runs).equals(s.getStatus().getLastRun().getId());
        });
    return schedule(name).getStatus().getLastRun();
  }

  /** The local directory of the registry's claim. */
  public Path storageOf(String registry) {
    Registry r = registry(registry);
    String claim = RegistryNames.claim(registry, r.getSpec().getStorage().getPvc());
    return sandbox.claimDirectory(namespace, claim);
  }

  public String serviceUrl(String registry) {
    return sandbox.serviceUrl(namespace, RegistryNames.service(registry));
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> T load(Class<T> type, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return client.resources(type).load(in).item();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }
}
