package dev.registryoperator.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.registry.MaintenanceMode;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import org.junit.jupiter.api.Test;

class GcEventSourcesTest {
  @Test
  void aRegistryPodWakesOnlyTheSchedulesWithARunInProgress() {
    GcSchedule idle = GcRunTest.schedule(MaintenanceMode.ReadOnly);
    GcSchedule running = GcRunTest.schedule(MaintenanceMode.ReadOnly);
    running.getMetadata().setName("weekly");
    running.setStatus(new GcScheduleStatus());
    GcRunStatus run = new GcRunStatus();
    run.setId("r1");
    running.getStatus().setCurrentRun(run);
    GcSchedule finished = GcRunTest.schedule(MaintenanceMode.ReadOnly);
    finished.getMetadata().setName("monthly");
    finished.setStatus(new GcScheduleStatus());

    assertThat(GcEventSources.withRunInProgress(List.of(idle, running, finished)))
        .containsExactly(new ResourceID("weekly", "team-a"));
    assertThat(GcEventSources.withRunInProgress(List.of(idle))).isEmpty();
  }
}
