package dev.registryoperator.scale;

import dev.registryoperator.fakecluster.ApiRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The mock's request log of one phase, by party (User-Agent), verb and resource. */
final class Requests {
  static final String OPERATOR = "operator";
  static final String FAKE_CLUSTER = "fake cluster";
  static final String BENCHMARK = "benchmark";

  private static final Set<String> WRITES =
      Set.of("create", "update", "patch", "delete", "deletecollection");

  private final List<ApiRequest> requests;

  Requests(List<ApiRequest> requests) {
    this.requests = requests;
  }

  static String party(ApiRequest r) {
    if (r.userAgent().startsWith(OperatorProcess.USER_AGENT)) {
      return OPERATOR;
    }
    if (r.userAgent().startsWith(ScaleRun.FAKE_CLUSTER_AGENT)) {
      return FAKE_CLUSTER;
    }
    if (r.userAgent().startsWith(ScaleRun.BENCHMARK_AGENT)) {
      return BENCHMARK;
    }
    return "other (" + r.userAgent() + ")";
  }

  static boolean isWrite(ApiRequest r) {
    return WRITES.contains(r.verb());
  }

  List<ApiRequest> of(String party) {
    return requests.stream().filter(r -> party(r).equals(party)).toList();
  }

  long count(String party) {
    return of(party).size();
  }

  long writes(String party) {
    return of(party).stream().filter(Requests::isWrite).count();
  }

  /** Parties other than the three known ones (should be none). */
  Set<String> others() {
    return requests.stream()
        .map(Requests::party)
        .filter(p -> !p.equals(OPERATOR) && !p.equals(FAKE_CLUSTER) && !p.equals(BENCHMARK))
        .collect(Collectors.toSet());
  }

  /**
   * One party's requests by {@code verb resource[/subresource]}, per {@code per} objects, largest
   * first: {@code "create deployments 1.00, update registries/status 2.31"}.
   */
  String breakdown(String party, boolean writes, double per) {
    Map<String, Long> counts =
        of(party).stream()
            .filter(r -> isWrite(r) == writes)
            .collect(
                Collectors.groupingBy(
                    r -> r.verb() + " " + r.resourcePath(), TreeMap::new, Collectors.counting()));
    if (counts.isEmpty()) {
      return "-";
    }
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(e -> String.format("%s %s", e.getKey(), ScaleBenchmark.perObject(e.getValue(), per)))
        .collect(Collectors.joining(", "));
  }
}
