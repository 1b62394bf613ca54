package dev.registryoperator.gc;

import dev.registryoperator.gcreport.retention.RetentionRules;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.PvcStorageSpec;
import dev.registryoperator.registry.Registry;
import dev.registryoperator.registry.RegistryValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a GcSchedule spec as the CRD schema does (the mock enforces none) plus what a schema
 * cannot say: the cron expression, the time zone, the durations. Pure.
 */
public final class GcScheduleValidator {
  private GcScheduleValidator() {}

  /**
   * A GcSchedule's name is the value of the gc-schedule label on its Jobs and pods (at most 63
   * characters) and begins its Jobs' names, cut to fit before a suffix: a DNS-1123 label, so that
   * no cut can leave a dot before the suffix.
   */
  public static final int MAX_NAME_LENGTH = 63;

  public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile(NAME_PATTERN);

  /** The whole object: its spec, and its name, which its Jobs and their labels carry. */
  public static Optional<String> validate(GcSchedule schedule) {
    GcScheduleSpec spec = schedule.getSpec();
    if (spec != null && !spec.readProblems().isEmpty()) {
      return Optional.of(RegistryValidator.unreadable(spec.readProblems()));
    }
    return validateName(schedule.getMetadata().getName()).or(() -> validate(spec));
  }

  static Optional<String> validateName(String name) {
    if (name.length() > MAX_NAME_LENGTH) {
      return Optional.of(
          "metadata.name '"
              + name
              + "' is "
              + name.length()
              + " characters long; a GcSchedule's name labels its Jobs and pods, so it may have at most "
              + MAX_NAME_LENGTH
              + ": re-create the GcSchedule with a shorter name");
    }
    if (!NAME.matcher(name).matches()) {
      return Optional.of(
          "metadata.name '"
              + name
              + "' is not a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit)"
              + ", which the names of its Jobs need: re-create the GcSchedule with such a name");
    }
    return Optional.empty();
  }

  public static Optional<String> validate(GcScheduleSpec spec) {
    if (spec != null && !spec.readProblems().isEmpty()) {
      return Optional.of(RegistryValidator.unreadable(spec.readProblems()));
    }
    if (spec == null || spec.getRegistryRef() == null || blank(spec.getRegistryRef().getName())) {
      return Optional.of(
          "spec.registryRef.name is required: the Registry to collect, in the same namespace");
    }
    try {
      if (spec.getSchedule() != null) {
        if (blank(spec.getSchedule().getCron())) {
          return Optional.of("spec.schedule.cron is required when spec.schedule is set");
        }
        CronSchedule.parse(spec.getSchedule().getCron(), spec.getSchedule().getTimeZone());
        Long deadline = spec.getSchedule().getStartingDeadlineSeconds();
        if (deadline != null && deadline < 0) {
          return Optional.of(
              "spec.schedule.startingDeadlineSeconds must be 0 or more, got " + deadline);
        }
      }
      Durations.parse("spec.maxDuration", spec.effectiveMaxDuration());
      Durations.parse("spec.quiesceTimeout", spec.effectiveQuiesceTimeout());
      Durations.parse("spec.job.podStartTimeout", spec.effectivePodStartTimeout());
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
    if (spec.getMinReclaimableBytes() != null && spec.getMinReclaimableBytes() < 0) {
      return Optional.of(
          "spec.minReclaimableBytes must be 0 or more, got " + spec.getMinReclaimableBytes());
    }
    int history = spec.effectiveHistoryLimit();
    if (history < 1 || history > 50) {
      return Optional.of("spec.historyLimit must be between 1 and 50, got " + history);
    }
    List<String> retention = RetentionRules.validate(spec.getRetention());
    if (!retention.isEmpty()) {
      return Optional.of(String.join("; ", retention));
    }
    if (spec.effectiveDryRun() && spec.getMinReclaimableBytes() != null) {
      return Optional.of(
          "spec.minReclaimableBytes has no effect with spec.dryRun: a dry run never opens a maintenance window; remove one of them");
    }
    return Optional.empty();
  }

  /**
   * What the spec asks of this Registry that its storage cannot give. A ReadWriteOncePod claim
   * admits one pod: a GC pod cannot mount it while a registry pod runs, which ReadOnly mode, a
   * preview (minReclaimableBytes) and a dry run all need. Only ScaleToZero can collect it.
   */
  public static Optional<String> validateAgainst(GcScheduleSpec spec, Registry registry) {
    if (spec == null
        || registry == null
        || registry.getSpec() == null
        || registry.getSpec().getStorage() == null) {
      return Optional.empty();
    }
    PvcStorageSpec pvc = registry.getSpec().getStorage().getPvc();
    if (pvc == null
        || !pvc.effectiveAccessModes().contains(PvcStorageSpec.AccessMode.ReadWriteOncePod)) {
      return Optional.empty();
    }
    List<String> needsSecondPod = new ArrayList<>();
    if (spec.effectiveDryRun()) {
      needsSecondPod.add("spec.dryRun (a dry run keeps the registry running)");
    } else if (spec.effectiveMode() == MaintenanceMode.ReadOnly) {
      needsSecondPod.add("spec.mode ReadOnly (the registry keeps serving pulls while GC runs)");
    }
    if (spec.getMinReclaimableBytes() != null) {
      needsSecondPod.add(
          "spec.minReclaimableBytes (the preview runs beside the writable registry)");
    }
    if (needsSecondPod.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "Registry "
            + registry.getMetadata().getName()
            + " stores images on a ReadWriteOncePod claim, which one pod at a time can mount,"
            + " so a GC pod cannot run beside a registry pod as "
            + String.join(" and ", needsSecondPod)
            + " would need;"
            + " use mode: ScaleToZero, without dryRun and minReclaimableBytes");
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
