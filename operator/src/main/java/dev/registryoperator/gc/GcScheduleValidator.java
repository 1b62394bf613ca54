package dev.registryoperator.gc;

import dev.registryoperator.registry.RegistryValidator;
import java.util.Optional;

/**
 * Checks a GcSchedule spec as the CRD schema does (the mock enforces none) plus what a schema
 * cannot say: the cron expression, the time zone, the durations. Pure.
 */
public final class GcScheduleValidator {
  private GcScheduleValidator() {}

  public static Optional<String> validate(GcScheduleSpec spec) {
    if (spec != null && !spec.readProblems().isEmpty()) {
      return Optional.of(RegistryValidator.unreadable(spec.readProblems()));
    }
    if (spec == null || spec.getRegistryRef() == null || blank(spec.getRegistryRef().getName())) {
      return Optional.of("spec.registryRef.name is required: the Registry to collect, in the same namespace");
    }
    try {
      if (spec.getSchedule() != null) {
        if (blank(spec.getSchedule().getCron())) {
          return Optional.of("spec.schedule.cron is required when spec.schedule is set");
        }
        CronSchedule.parse(spec.getSchedule().getCron(), spec.getSchedule().getTimeZone());
        Long deadline = spec.getSchedule().getStartingDeadlineSeconds();
        if (deadline != null && deadline < 0) {
          return Optional.of("spec.schedule.startingDeadlineSeconds must be 0 or more, got " + deadline);
        }
      }
      Durations.parse("spec.maxDuration", spec.effectiveMaxDuration());
      Durations.parse("spec.quiesceTimeout", spec.effectiveQuiesceTimeout());
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
    if (spec.getMinReclaimableBytes() != null && spec.getMinReclaimableBytes() < 0) {
      return Optional.of("spec.minReclaimableBytes must be 0 or more, got " + spec.getMinReclaimableBytes());
    }
    int history = spec.effectiveHistoryLimit();
    if (history < 1 || history > 50) {
      return Optional.of("spec.historyLimit must be between 1 and 50, got " + history);
    }
    if (spec.effectiveDryRun() && spec.getMinReclaimableBytes() != null) {
      return Optional.of("spec.minReclaimableBytes has no effect with spec.dryRun: a dry run never opens a maintenance window; remove one of them");
    }
    return Optional.empty();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
