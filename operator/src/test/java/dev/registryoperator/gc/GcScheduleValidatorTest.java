package dev.registryoperator.gc;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class GcScheduleValidatorTest {
  static GcSchedule schedule(String name) {
    GcSchedule schedule = new GcSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("team-a").withUid("0d4c1f3a-0000-4000-8000-000000000000").build());
    GcScheduleSpec spec = new GcScheduleSpec();
    spec.setRegistryRef(new GcScheduleSpec.RegistryRef("images"));
    schedule.setSpec(spec);
    return schedule;
  }

  @Test
  void namesTheJobAndItsLabelsCannotCarryAreRefused() {
    // The name is the value of the gc-schedule label on Jobs and pods (63 characters at most), and
    // the Job's name starts with it (cut to fit, so no dot may end up before the suffix).
    for (String name : List.of("nightly.images", "Nightly", "nightly_images", "-nightly", "n".repeat(64))) {
      assertThat(GcScheduleValidator.validate(schedule(name))).as(name)
          .hasValueSatisfying(m -> assertThat(m).startsWith("metadata.name '" + name + "'"));
    }
    for (String name : List.of("nightly", "1st-of-month", "n".repeat(63))) {
      assertThat(GcScheduleValidator.validate(schedule(name))).as(name).isEmpty();
      assertThat(GcJob.name(schedule(name), "r123456", GcJob.Kind.Preview)).as(name).hasSizeLessThanOrEqualTo(63)
          .matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    }
  }
}
