package dev.registryoperator.common;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Kubernetes-style conditions: {@code lastTransitionTime} is kept unless the status flips. Pure:
 * the caller passes the clock reading.
 */
public final class Conditions {
  public static final String TRUE = "True";
  public static final String FALSE = "False";

  private Conditions() {}

  /** Returns a new list with the condition of {@code type} set as given. */
  public static List<Condition> set(
      List<Condition> existing,
      String type,
      boolean status,
      String reason,
      String message,
      Long observedGeneration,
      Instant now) {
    String newStatus = status ? TRUE : FALSE;
    List<Condition> result = new ArrayList<>();
    boolean replaced = false;
    for (Condition c : existing == null ? List.<Condition>of() : existing) {
      if (!type.equals(c.getType())) {
        result.add(c);
        continue;
      }
      String since =
          newStatus.equals(c.getStatus()) && c.getLastTransitionTime() != null
              ? c.getLastTransitionTime()
              : format(now);
      result.add(build(type, newStatus, reason, message, observedGeneration, since));
      replaced = true;
    }
    if (!replaced) {
      result.add(build(type, newStatus, reason, message, observedGeneration, format(now)));
    }
    return result;
  }

  /** Returns a new list without the condition of {@code type}. */
  public static List<Condition> remove(List<Condition> existing, String type) {
    List<Condition> result = new ArrayList<>();
    for (Condition c : existing == null ? List.<Condition>of() : existing) {
      if (!type.equals(c.getType())) {
        result.add(c);
      }
    }
    return result;
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
  }

  public static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static Condition build(
      String type, String status, String reason, String message, Long generation, String since) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }
}
