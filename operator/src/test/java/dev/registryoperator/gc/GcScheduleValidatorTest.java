package dev.registryoperator.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.PvcStorageSpec;
import dev.registryoperator.registry.Registries;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class GcScheduleValidatorTest {
  static GcSchedule schedule(String name) {
    GcSchedule schedule = new GcSchedule();
    schedule.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("team-a")
            .withUid("0d4c1f3a-0000-4000-8000-000000000000")
            .build());
    GcScheduleSpec spec = new GcScheduleSpec();
    spec.setRegistryRef(new GcScheduleSpec.RegistryRef("images"));
    schedule.setSpec(spec);
    return schedule;
  }

  @Test
  void namesTheJobAndItsLabelsCannotCarryAreRefused() {
    // The name is the value of the gc-schedule label on Jobs and pods (63 characters at most), and
    // the Job's name starts with it (cut to fit, so no dot may end up before the suffix).
    for (String name :
        List.of("nightly.images", "Nightly", "nightly_images", "-nightly", "n".repeat(64))) {
      assertThat(GcScheduleValidator.validate(schedule(name)))
          .as(name)
          .hasValueSatisfying(m -> assertThat(m).startsWith("metadata.name '" + name + "'"));
    }
    for (String name : List.of("nightly", "1st-of-month", "n".repeat(63))) {
      assertThat(GcScheduleValidator.validate(schedule(name))).as(name).isEmpty();
      assertThat(GcJob.name(schedule(name), "r123456", GcJob.Kind.Preview))
          .as(name)
          .hasSizeLessThanOrEqualTo(63)
          .matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    }
  }

  private static Registry registry(PvcStorageSpec.AccessMode... modes) {
    Registry registry = Registries.withPvc("images", "1Gi");
    registry.getSpec().getStorage().getPvc().setAccessModes(List.of(modes));
    return registry;
  }

  private static GcScheduleSpec spec(
      MaintenanceMode mode, Boolean dryRun, Long minReclaimableBytes) {
    GcScheduleSpec spec = schedule("nightly").getSpec();
    spec.setMode(mode);
    spec.setDryRun(dryRun);
    spec.setMinReclaimableBytes(minReclaimableBytes);
    return spec;
  }

  @Test
  void aReadWriteOncePodClaimRefusesEveryRunThatNeedsAGcPodBesideARegistryPod() {
    Registry rwop = registry(PvcStorageSpec.AccessMode.ReadWriteOncePod);
    for (GcScheduleSpec refused :
        List.of(
            spec(null, null, null), // ReadOnly is the default mode
            spec(MaintenanceMode.ReadOnly, false, null),
            spec(MaintenanceMode.ScaleToZero, true, null),
            spec(MaintenanceMode.ScaleToZero, false, 1024L))) {
      assertThat(GcScheduleValidator.validateAgainst(refused, rwop))
          .hasValueSatisfying(
              m ->
                  assertThat(m)
                      .contains("Registry images")
                      .contains("ReadWriteOncePod")
                      .contains("mode: ScaleToZero"));
    }
    assertThat(GcScheduleValidator.validateAgainst(spec(null, null, null), rwop).orElseThrow())
        .contains("spec.mode ReadOnly");
    assertThat(
            GcScheduleValidator.validateAgainst(spec(MaintenanceMode.ScaleToZero, true, null), rwop)
                .orElseThrow())
        .contains("spec.dryRun");
    assertThat(
            GcScheduleValidator.validateAgainst(
                    spec(MaintenanceMode.ScaleToZero, false, 1024L), rwop)
                .orElseThrow())
        .contains("spec.minReclaimableBytes");

    assertThat(
            GcScheduleValidator.validateAgainst(
                spec(MaintenanceMode.ScaleToZero, false, null), rwop))
        .isEmpty();
    assertThat(
            GcScheduleValidator.validateAgainst(
                spec(MaintenanceMode.ScaleToZero, null, null), rwop))
        .isEmpty();
  }

  @Test
  void otherClaimsAndS3AllowEveryMode() {
    for (Registry registry :
        List.of(
            registry(),
            registry(PvcStorageSpec.AccessMode.ReadWriteOnce),
            registry(PvcStorageSpec.AccessMode.ReadWriteMany),
            Registries.withS3("images"))) {
      assertThat(
              GcScheduleValidator.validateAgainst(
                  spec(MaintenanceMode.ReadOnly, false, 1024L), registry))
          .isEmpty();
      assertThat(
              GcScheduleValidator.validateAgainst(
                  spec(MaintenanceMode.ReadOnly, true, null), registry))
          .isEmpty();
    }
  }

  @Test
  void badRetentionRulesAreInvalidSpecNamingTheField() {
    GcSchedule schedule = schedule("nightly");
    schedule
        .getSpec()
        .setRetention(
            List.of(
                new dev.registryoperator.gcreport.retention.RetentionRule(
                    null, null, "pr-(", null, 3, null),
                new dev.registryoperator.gcreport.retention.RetentionRule(
                    null, null, null, null, -1, null)));

    assertThat(GcScheduleValidator.validate(schedule))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("spec.retention[0].tagPattern", "spec.retention[1].keepLatest"));
  }

  @Test
  void durationsCronTimeZoneAndThresholdAreChecked() {
    GcScheduleSpec spec = GcRunTest.schedule(MaintenanceMode.ReadOnly).getSpec();
    assertThat(GcScheduleValidator.validate(spec)).isEmpty();
    spec.setMaxDuration("soon");
    assertThat(GcScheduleValidator.validate(spec))
        .hasValueSatisfying(m -> assertThat(m).contains("spec.maxDuration 'soon'"));
    spec.setMaxDuration("1h");
    spec.setMinReclaimableBytes(-5L);
    assertThat(GcScheduleValidator.validate(spec))
        .hasValueSatisfying(m -> assertThat(m).contains("minReclaimableBytes must be 0 or more"));
    spec.setMinReclaimableBytes(null);
    GcScheduleSpec.Schedule cron = new GcScheduleSpec.Schedule();
    cron.setCron("61 * * * *");
    spec.setSchedule(cron);
    assertThat(GcScheduleValidator.validate(spec))
        .hasValueSatisfying(m -> assertThat(m).contains("61 * * * *"));
    cron.setCron("0 3 * * *");
    cron.setTimeZone("Mars/Olympus_Mons");
    assertThat(GcScheduleValidator.validate(spec))
        .hasValueSatisfying(m -> assertThat(m).contains("Mars/Olympus_Mons"));
  }
}
