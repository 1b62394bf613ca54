package dev.registryoperator.gc;

import static dev.registryoperator.OperatorHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.InvariantMonitor;
import dev.registryoperator.LeaderElection;
import dev.registryoperator.fakecluster.JobBehaviour;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two operator replicas with leader election, as the chart runs them: only the lease holder
 * reconciles; when it stops in the middle of a GC run, the other takes the lease over and finishes
 * the run from status, with no second Job and no writer beside the collecting pod.
 */
class LeaderFailoverTest extends GcClusterTestBase {

  @Test
  void aStandbyTakesOverARunWhenTheLeaderStops() {
    start();
    harness.stopOperator(); // this test runs its own replicas
    InvariantMonitor monitor = InvariantMonitor.watch(client, NAMESPACE);
    Map<String, AtomicInteger> lost = new ConcurrentHashMap<>();
    Map<String, Runnable> replicas = new ConcurrentHashMap<>();
    for (String id : new String[] {"replica-a", "replica-b"}) {
      lost.put(id, new AtomicInteger());
      replicas.put(
          id,
          harness.startReplica(
              new LeaderElection(
                  NAMESPACE,
                  id,
                  Duration.ofSeconds(2),
                  Duration.ofMillis(1500),
                  Duration.ofMillis(200),
                  () -> lost.get(id).incrementAndGet())));
    }
    registry("images", 1);
    jobs.set(job -> JobBehaviour.Run.exit(0, REPORT, Duration.ofSeconds(3)));
    schedule("nightly", "images", s -> {});
    requestRun("nightly", "t1");
    String job = GcJob.name(get("nightly"), "r1", GcJob.Kind.Collect);
    eventually().until(() -> harness.cluster().log().contains("job " + job + " pod started"));

    String leader = holder();
    String standby = leader.equals("replica-a") ? "replica-b" : "replica-a";
    replicas.get(leader).run();

    eventually().untilAsserted(() -> assertThat(holder()).isEqualTo(standby));
    GcRunRecord run = awaitFinished("nightly", 1);
    assertThat(run.getResult()).isEqualTo(GcRunResult.Succeeded);
    awaitServing("images");
    assertThat(lost.get(leader).get()).as("the stopped leader gave its lease up").isEqualTo(1);
    assertThat(lost.get(standby).get()).isZero();
    assertThat(harness.cluster().log().linesMatching("job .* created"))
        .as("one Job, not one per leader")
        .hasSize(1);
    monitor.close();
    assertThat(monitor.violations()).isEmpty();
  }

  private String holder() {
    Lease lease = client.leases().inNamespace(NAMESPACE).withName(LeaderElection.LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }
}
