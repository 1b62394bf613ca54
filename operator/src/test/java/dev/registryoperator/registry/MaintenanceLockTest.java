package dev.registryoperator.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.fakecluster.MockApiServer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The maintenance lock against the mock API server: one holder at a time (I5), never the spec (I7).
 */
class MaintenanceLockTest {
  private MockApiServer api;
  private KubernetesClient client;
  private MaintenanceLock lock;

  @BeforeEach
  void start() throws Exception {
    api = MockApiServer.start();
    client = api.newClient();
    try (InputStream in =
        Files.newInputStream(
            Path.of(
                System.getProperty("crds.dir", "../crds"),
                "registries.registry.operator.dev-v1.yml"))) {
      CustomResourceDefinition crd =
          client.apiextensions().v1().customResourceDefinitions().load(in).item();
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
    Registry registry = Registries.withPvc("images", "1Gi");
    registry.getMetadata().setUid(null);
    client.resource(registry).create();
    lock = new MaintenanceLock(client);
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  private MaintenanceRequest request(String holder, String run) {
    return new MaintenanceRequest(holder, run, MaintenanceMode.ReadOnly, "2026-11-24T03:00:00Z");
  }

  private Registry get() {
    return client.resources(Registry.class).inNamespace("team-a").withName("images").get();
  }

  @Test
  void oneHolderAtATimeAndOnlyTheHolderReleases() {
    String specBefore = io.fabric8.kubernetes.client.utils.Serialization.asJson(get().getSpec());

    assertThat(lock.acquire("team-a", "images", request("GcSchedule/a", "r1"))).isTrue();
    assertThat(lock.acquire("team-a", "images", request("GcSchedule/a", "r1")))
        .as("idempotent")
        .isTrue();
    assertThat(lock.acquire("team-a", "images", request("GcSchedule/b", "r1"))).isFalse();
    assertThat(MaintenanceRequest.of(get()))
        .hasValueSatisfying(r -> assertThat(r.holder()).isEqualTo("GcSchedule/a"));

    assertThat(lock.release("team-a", "images", "GcSchedule/b", "r1", null)).isTrue();
    assertThat(MaintenanceRequest.of(get())).as("b cannot release a's lock").isPresent();

    assertThat(
            lock.release(
                "team-a",
                "images",
                "GcSchedule/a",
                "r1",
                new GcRecord("2026-11-24T03:05:00Z", "Succeeded", reclaimed(42L), "a")))
        .isTrue();
    Registry after = get();
    assertThat(MaintenanceRequest.of(after)).isEmpty();
    assertThat(GcRecord.of(after))
        .hasValueSatisfying(r -> assertThat(r.getReclaimedBytes()).isEqualTo(42L));
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(after.getSpec()))
        .isEqualTo(specBefore);

    assertThat(lock.acquire("team-a", "images", request("GcSchedule/b", "r2"))).isTrue();
  }

  @Test
  void concurrentAcquisitionsHaveOneWinner() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String holder = "GcSchedule/s" + i;
      results.add(
          pool.submit(
              () -> {
                go.await();
                return lock.acquire("team-a", "images", request(holder, "r1"));
              }));
    }
    go.countDown();
    int winners = 0;
    for (Future<Boolean> f : results) {
      winners += f.get() ? 1 : 0;
    }
    pool.shutdown();
    assertThat(winners).isEqualTo(1);
  }

  private static dev.registryoperator.gcreport.GcCounters reclaimed(long bytes) {
    var figures = new dev.registryoperator.gcreport.GcCounters();
    figures.setReclaimedBytes(bytes);
    return figures;
  }
}
