package dev.registryoperator.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventRecorderTest {
  @Test
  void eventNamesNameTheKindSoTwoKindsOfOneNameDoNotShareEvents() {
    String registry = EventRecorder.eventName("Registry", "images", "Warning InvalidSpec bad");
    String schedule = EventRecorder.eventName("GcSchedule", "images", "Warning InvalidSpec bad");
    assertThat(registry).startsWith("registry.images.");
    assertThat(schedule).startsWith("gcschedule.images.");
    assertThat(registry).isNotEqualTo(schedule);
  }

  @Test
  void eventNamesStayWithinTheApiLimitForTheLongestObjectName() {
    String longest = "a".repeat(253);
    String name = EventRecorder.eventName("GcSchedule", longest, "Normal RunStarted started");
    assertThat(name)
        .hasSizeLessThanOrEqualTo(253)
        .startsWith("gcschedule.aaa")
        .matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
  }
}
