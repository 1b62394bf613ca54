package dev.registryoperator.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names the operator exports (issue 12), as Prometheus sees them, and the metric names a
 * PromQL expression reads. The chart's alerts and dashboard may read these and nothing else.
 */
final class MetricNames {
  /** The operator's own metrics. */
  static final Set<String> OPERATOR =
      Set.of(
          "registry_operator_gc_runs_total",
          "registry_operator_gc_reclaimed_bytes_total",
          "registry_operator_gc_eligible_bytes",
          "registry_operator_gc_last_success_timestamp_seconds",
          "registry_operator_gc_consecutive_failures",
          "registry_operator_retention_tags_deleted_total",
          "registry_operator_retention_tags_protected_total",
          "registry_operator_registry_maintenance",
          "registry_operator_registries");

  /** The operator's histograms: each is _bucket, _sum and _count series. */
  static final Set<String> OPERATOR_HISTOGRAMS =
      Set.of(
          "registry_operator_gc_writes_refused_seconds",
          "registry_operator_gc_run_duration_seconds");

  /**
   * JOSDK 5.2.3's micrometer-support (MicrometerMetrics), through Micrometer's Prometheus naming:
   * counters get _total, the timers are histograms in seconds.
   */
  static final Set<String> JOSDK =
      Set.of(
          "operator_sdk_reconciliations_started_total",
          "operator_sdk_reconciliations_failed_total",
          "operator_sdk_reconciliations_success_total",
          "operator_sdk_events_received_total",
          "operator_sdk_events_delete_total",
          "operator_sdk_controllers_execution_reconcile_success_total",
          "operator_sdk_controllers_execution_reconcile_failure_total",
          "operator_sdk_controllers_execution_cleanup_success_total",
          "operator_sdk_controllers_execution_cleanup_failure_total");

  static final Set<String> JOSDK_HISTOGRAMS =
      Set.of(
          "operator_sdk_controllers_execution_reconcile_seconds",
          "operator_sdk_controllers_execution_cleanup_seconds");

  /** Every series name the operator exports. */
  static final Set<String> ALL = all();

  private static Set<String> all() {
    Set<String> all = new LinkedHashSet<>(OPERATOR);
    all.addAll(JOSDK);
    for (String histogram : union(OPERATOR_HISTOGRAMS, JOSDK_HISTOGRAMS)) {
      for (String suffix : List.of("_bucket", "_sum", "_count")) {
        all.add(histogram + suffix);
      }
    }
    return Set.copyOf(all);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> union = new LinkedHashSet<>(a);
    union.addAll(b);
    return union;
  }

  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset",
          "inf",
          "nan");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^{}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^\\[\\]]*]");
  private static final Pattern LABEL_LIST =
      Pattern.compile(
          "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\\w])(\\s*\\()?");

  /**
   * The metric names {@code expr} selects: identifiers that are not functions, aggregations,
   * keywords, label names (in matchers and by/on lists), durations or Grafana variables ($name).
   */
  static List<String> readBy(String expr) {
    String e = STRING.matcher(expr).replaceAll("\"\"");
    e = MATCHERS.matcher(e).replaceAll("{}");
    e = RANGE.matcher(e).replaceAll("[]");
    e = LABEL_LIST.matcher(e).replaceAll(" ");
    e = e.replaceAll("\\$\\{?\\w+}?", " ");
    List<String> names = new ArrayList<>();
    Matcher m = IDENTIFIER.matcher(e);
    while (m.find()) {
      String name = m.group(1);
      boolean call = m.group(2) != null;
      if (!call && !KEYWORDS.contains(name.toLowerCase())) {
        names.add(name);
      }
    }
    return names;
  }

  private MetricNames() {}
}
