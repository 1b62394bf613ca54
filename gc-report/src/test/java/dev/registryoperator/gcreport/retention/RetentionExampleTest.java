package dev.registryoperator.gcreport.retention;

import static dev.registryoperator.gcreport.retention.Storage.days;
import static dev.registryoperator.gcreport.retention.Storage.deleted;
import static dev.registryoperator.gcreport.retention.Storage.kept;
import static dev.registryoperator.gcreport.retention.Storage.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registryoperator.gcreport.retention.RetentionPlan.DeletedTag;
import dev.registryoperator.gcreport.retention.RetentionPlan.KeptManifest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The feature's example {@code spec.retention}: (0) in every repository keep the 10 newest tags;
 * (1) keep release tags (v1.2.3) forever, on a rule selecting every tag that also keeps the 10
 * newest (a rule needs a keepLatest or keepYoungerThan); (2) keep pr- tags for 14 days.
 *
 * <p>What it keeps: every release; in each repository its 10 most recently pushed tags whatever
 * they are (a pr- tag among them too, and a quiet repository keeps its old pr- tags while they are
 * among its 10 newest); pr- tags younger than 14 days beyond those 10; {@code latest}. Everything
 * else goes, except what a workload runs.
 *
 * <p>team/app (days since push): latest 0 (on main-12's image), main-12 0, pr-57 1, main-11 2,
 * v1.4.0 3, main-10 4, main-09 5, pr-56 6, main-08 7, main-07 8, main-06 9 (the 10 newest, latest
 * aside), pr-55 10, main-05 12, pr-54 15, main-04 20 (a canary Deployment runs it), v1.3.0 30 (on
 * main-03's image), main-03 31, v1.2.0 60, v1.1.0-rc1 90, v1.0.0 200. team/tools: pr-3 40, pr-2 50,
 * pr-1 60.
 *
 * <table>
 *   <caption>The plan</caption>
 *   <tr><th>Tags</th><th>Outcome</th></tr>
 *   <tr><td>the 10 newest of team/app, and all 3 of team/tools</td><td>kept by rule 0</td></tr>
 *   <tr><td>pr-55 (10 days, 11th newest)</td><td>kept by rule 2 (age)</td></tr>
 *   <tr><td>v1.3.0, v1.2.0, v1.0.0</td><td>kept by rule 1 (pattern)</td></tr>
 *   <tr><td>latest</td><td>kept (Latest)</td></tr>
 *   <tr><td>main-04</td><td>kept (Protected)</td></tr>
 *   <tr><td>main-05, pr-54, v1.1.0-rc1 (not a release: the pattern must match the whole
 *       tag)</td><td>deleted with their manifests</td></tr>
 *   <tr><td>main-03</td><td>untagged only: v1.3.0 keeps its manifest</td></tr>
 * </table>
 */
class RetentionExampleTest {
  /** The example's spec.retention, as JSON (the example file writes it as YAML). */
  static final String EXAMPLE =
      """
      [
        {"keepLatest": 10},
        {"keepTagPattern": "v\\\\d+\\\\.\\\\d+\\\\.\\\\d+", "keepLatest": 10},
        {"tagPattern": "pr-.*", "keepYoungerThan": "14d"}
      ]
      """;

  @Test
  void keepsReleasesTheTenNewestRecentPullRequestsLatestAndWhatRuns() throws Exception {
    List<RetentionRule> rules = new ObjectMapper().readValue(EXAMPLE, new TypeReference<>() {});
    Storage storage = new Storage();
    storage
        .repo("team/app")
        .tag("latest", "img-main-12", days(0))
        .tag("main-12", days(0))
        .tag("pr-57", days(1))
        .tag("main-11", days(2))
        .tag("v1.4.0", days(3))
        .tag("main-10", days(4))
        .tag("main-09", days(5))
        .tag("pr-56", days(6))
        .tag("main-08", days(7))
        .tag("main-07", days(8))
        .tag("main-06", days(9))
        .tag("pr-55", days(10))
        .tag("main-05", days(12))
        .tag("pr-54", days(15))
        .tag("main-04", days(20))
        .tag("v1.3.0", "img-main-03", days(30))
        .tag("main-03", days(31))
        .tag("v1.2.0", days(60))
        .tag("v1.1.0-rc1", days(90))
        .tag("v1.0.0", days(200));
    storage.repo("team/tools").tag("pr-3", days(40)).tag("pr-2", days(50)).tag("pr-1", days(60));
    Protection protection =
        new Protection(Map.of("team/app:main-04", List.of("Deployment team/app-canary")));

    RetentionPlan plan = storage.decide(rules, protection);

    assertThat(kept(plan, "team/app"))
        .containsExactly(
            "latest Latest",
            "main-04 Protected",
            "main-06 KeptByLatest 0",
            "main-07 KeptByLatest 0",
            "main-08 KeptByLatest 0",
            "main-09 KeptByLatest 0",
            "main-10 KeptByLatest 0",
            "main-11 KeptByLatest 0",
            "main-12 KeptByLatest 0",
            "pr-55 KeptByAge 2",
            "pr-56 KeptByLatest 0",
            "pr-57 KeptByLatest 0",
            "v1.0.0 KeptByPattern 1",
            "v1.2.0 KeptByPattern 1",
            "v1.3.0 KeptByPattern 1",
            "v1.4.0 KeptByLatest 0");
    assertThat(plan(plan, "team/app").deletedTags())
        .extracting(t -> t.tag() + ": " + t.why() + (t.manifestStays() ? " (untag)" : ""))
        .containsExactly(
            "main-03: rule 0: not among the 10 newest; rule 1: not among the 10 newest (untag)",
            "main-05: rule 0: not among the 10 newest; rule 1: not among the 10 newest",
            "pr-54: rule 0: not among the 10 newest; rule 1: not among the 10 newest;"
                + " rule 2: pushed 14d or more ago",
            "v1.1.0-rc1: rule 0: not among the 10 newest; rule 1: not among the 10 newest");
    assertThat(plan(plan, "team/app").tagsToUntag())
        .extracting(DeletedTag::tag)
        .containsExactly("main-03");
    assertThat(plan(plan, "team/app").keptManifests())
        .extracting(KeptManifest::digest, KeptManifest::detail)
        .containsExactly(tuple("img-main-03", "tag v1.3.0 stays"));
    assertThat(kept(plan, "team/tools"))
        .containsExactly("pr-1 KeptByLatest 0", "pr-2 KeptByLatest 0", "pr-3 KeptByLatest 0");
    assertThat(deleted(plan, "team/tools")).isEmpty();
    assertThat(plan.summary())
        .isEqualTo("4 tags and 3 manifests to delete (300 B); 1 tag protected by workloads");
  }
}
