package dev.registryoperator.gcreport.retention;

import static dev.registryoperator.gcreport.retention.Rule.rule;
import static dev.registryoperator.gcreport.retention.Rule.rules;
import static dev.registryoperator.gcreport.retention.Storage.days;
import static dev.registryoperator.gcreport.retention.Storage.deleted;
import static dev.registryoperator.gcreport.retention.Storage.kept;
import static dev.registryoperator.gcreport.retention.Storage.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registryoperator.gcreport.retention.RetentionPlan.DeletedTag;
import dev.registryoperator.gcreport.retention.RetentionPlan.KeptTag;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which tags the rules keep and delete, one repository's manifests aside. */
class TagRulesTest {
  @Test
  void keepLatestKeepsTheMostRecentlyPushedAndBreaksTiesByName() {
    Storage storage = new Storage();
    storage
        .repo("app")
        .tag("a", days(5))
        .tag("c", days(1))
        .tag("b", days(1))
        .tag("d", days(1))
        .tag("e", days(9));

    RetentionPlan plan = storage.decide(rules(rule().keepLatest(2)));

    assertThat(kept(plan, "app")).containsExactly("b KeptByLatest 0", "c KeptByLatest 0");
    assertThat(deleted(plan, "app")).containsExactly("a", "d", "e");
    assertThat(plan(plan, "app").deletedTags())
        .extracting(DeletedTag::why)
        .containsOnly("rule 0: not among the 2 newest");
  }

  @Test
  void keepLatestCountsInEachRepositorySeparately() {
    Storage storage = new Storage();
    storage.repo("one").tag("old", days(9)).tag("new", days(1));
    storage.repo("two").tag("only", days(30));

    RetentionPlan plan = storage.decide(rules(rule().keepLatest(1)));

    assertThat(deleted(plan, "one")).containsExactly("old");
    assertThat(deleted(plan, "two")).isEmpty();
    assertThat(plan(plan, "two").keptTags())
        .extracting(KeptTag::detail)
        .containsExactly("the newest");
  }

  @Test
  void keepLatestZeroDeletesEverySelectedTag() {
    Storage storage = new Storage();
    storage.repo("app").tag("a", days(1)).tag("b", days(2));

    RetentionPlan plan = storage.decide(rules(rule().keepLatest(0)));

    assertThat(deleted(plan, "app")).containsExactly("a", "b");
    assertThat(plan(plan, "app").deletedTags())
        .extracting(DeletedTag::why)
        .containsOnly("rule 0: keepLatest is 0");
  }

  @Test
  void keepYoungerThanKeepsTagsPushedLessThanThatLongAgo() {
    Storage storage = new Storage();
    storage
        .repo("app")
        .tag("young", days(13))
        .tag("exactly", days(14))
        .tag("old", days(15))
        .tag("future", Duration.ofHours(-2));

    RetentionPlan plan = storage.decide(rules(rule().keepYoungerThan("14d")));

    assertThat(kept(plan, "app")).containsExactly("future KeptByAge 0", "young KeptByAge 0");
    assertThat(deleted(plan, "app")).containsExactly("exactly", "old");
    assertThat(plan(plan, "app").deletedTags())
        .extracting(DeletedTag::why)
        .containsOnly("rule 0: pushed 14d or more ago");
    assertThat(plan(plan, "app").keptTags())
        .extracting(KeptTag::detail)
        .containsOnly("pushed less than 14d ago");
  }

  @Test
  void aRuleWithBothClausesKeepsWhatEitherKeeps() {
    Storage storage = new Storage();
    storage
        .repo("app")
        .tag("newest-but-old", days(20))
        .tag("second-but-young", days(1))
        .tag("first", days(0))
        .tag("third-and-old", days(30));

    RetentionPlan plan = storage.decide(rules(rule().keepLatest(1).keepYoungerThan("7d")));

    assertThat(kept(plan, "app"))
        .containsExactly("first KeptByLatest 0", "second-but-young KeptByAge 0");
    assertThat(deleted(plan, "app")).containsExactly("newest-but-old", "third-and-old");
    assertThat(plan(plan, "app").deletedTags())
        .extracting(DeletedTag::why)
        .containsOnly("rule 0: not the newest and pushed 7d or more ago");
  }

  @Test
  void keepTagPatternKeepsSelectedTagsItMatchesAsAWhole() {
    Storage storage = new Storage();
    storage
        .repo("app")
        .tag("v1.2.3", days(400))
        .tag("v1.2.3-rc1", days(401))
        .tag("build-7", days(2))
        .tag("build-8", days(1));

    RetentionPlan plan =
        storage.decide(rules(rule().keepTags("v\\d+\\.\\d+\\.\\d+").keepLatest(1)));

    assertThat(kept(plan, "app"))
        .containsExactly("build-8 KeptByLatest 0", "v1.2.3 KeptByPattern 0");
    assertThat(deleted(plan, "app")).containsExactly("build-7", "v1.2.3-rc1");
  }

  @Test
  void tagsKeptByThePatternCountAmongTheNewest() {
    Storage storage = new Storage();
    storage.repo("app").tag("v2.0.0", days(1)).tag("build-1", days(2));

    RetentionPlan plan = storage.decide(rules(rule().keepTags("v.*").keepLatest(1)));

    assertThat(deleted(plan, "app")).containsExactly("build-1");
  }

  @Test
  void tagPatternMustMatchTheWholeTag() {
    Storage storage = new Storage();
    storage.repo("app").tag("pr-1", days(30)).tag("not-pr-1", days(30));

    RetentionPlan plan = storage.decide(rules(rule().tags("pr-\\d+").keepLatest(0)));

    assertThat(deleted(plan, "app")).containsExactly("pr-1");
    assertThat(kept(plan, "app")).containsExactly("not-pr-1 NotSelected");
  }

  @Test
  void aTagSeveralRulesSelectIsKeptWhenAnyOfThemKeepsIt() {
    Storage storage = new Storage();
    storage
        .repo("app")
        .tag("pr-1", days(1))
        .tag("pr-2", days(20))
        .tag("pr-3", days(30))
        .tag("main", days(40));

    RetentionPlan plan =
        storage.decide(
            rules(rule().keepLatest(1), rule().tags("pr-.*").keepYoungerThan("14d").keepLatest(2)));

    assertThat(kept(plan, "app")).containsExactly("pr-1 KeptByLatest 0", "pr-2 KeptByLatest 1");
    assertThat(deleted(plan, "app")).containsExactly("main", "pr-3");
    DeletedTag pr3 = plan(plan, "app").deletedTags().get(1);
    assertThat(pr3.rules()).containsExactly(0, 1);
    assertThat(pr3.why())
        .isEqualTo(
            "rule 0: not the newest; rule 1: not among the 2 newest and pushed 14d or more ago");
    assertThat(plan(plan, "app").deletedTags().get(0).rules()).containsExactly(0);
  }

  @Test
  void repositoryGlobsAndExcludesChooseWhereARuleApplies() {
    Storage storage = new Storage();
    storage.repo("team/app").tag("old", days(9)).tag("new", days(1));
    storage.repo("team/app/cache").tag("old", days(9)).tag("new", days(1));
    storage.repo("team/tmp-1").tag("old", days(9)).tag("new", days(1));
    storage.repo("other").tag("old", days(9)).tag("new", days(1));

    RetentionPlan everywhere =
        storage.decide(rules(rule().repositories("team/**").exclude("team/tmp-*").keepLatest(1)));
    RetentionPlan oneLevel = storage.decide(rules(rule().repositories("team/*").keepLatest(1)));

    assertThat(everywhere.repositories())
        .extracting(p -> p.repository() + " " + deleted(everywhere, p.repository()))
        .containsExactly("other []", "team/app [old]", "team/app/cache [old]", "team/tmp-1 []");
    assertThat(oneLevel.repositories())
        .extracting(p -> p.repository() + " " + deleted(oneLevel, p.repository()))
        .containsExactly("other []", "team/app [old]", "team/app/cache []", "team/tmp-1 [old]");
    assertThat(kept(everywhere, "team/tmp-1"))
        .containsExactly("new NotSelected", "old NotSelected");
  }

  @Test
  void latestIsKeptUnlessARuleSelectingItNamesIt() {
    Storage storage = new Storage();
    storage.repo("app").tag("latest", days(90)).tag("a", days(1));

    RetentionPlan unnamed = storage.decide(rules(rule().keepLatest(0)));
    RetentionPlan anyTag = storage.decide(rules(rule().tags(".*").keepLatest(0)));
    RetentionPlan named = storage.decide(rules(rule().tags("latest|a").keepLatest(0)));
    RetentionPlan notMatching = storage.decide(rules(rule().tags("a").keepLatest(0)));

    assertThat(kept(unnamed, "app")).containsExactly("latest Latest");
    assertThat(kept(anyTag, "app")).containsExactly("latest Latest");
    assertThat(deleted(named, "app")).containsExactly("a", "latest");
    assertThat(kept(notMatching, "app")).containsExactly("latest NotSelected");
  }

  @Test
  void latestTakesNoPlaceAmongTheNewestOfARuleThatDoesNotNameIt() {
    Storage storage = new Storage();
    storage.repo("app").tag("latest", days(0)).tag("b", days(1)).tag("c", days(2));

    RetentionPlan plan = storage.decide(rules(rule().keepLatest(1)));

    assertThat(kept(plan, "app")).containsExactly("b KeptByLatest 0", "latest Latest");
    assertThat(deleted(plan, "app")).containsExactly("c");
  }

  @Test
  void noRulesDeleteNothing() {
    Storage storage = new Storage();
    storage.repo("app").tag("a", days(100));

    RetentionPlan plan = storage.decide(List.of());

    assertThat(kept(plan, "app")).containsExactly("a NotSelected");
    assertThat(plan.summary()).isEqualTo("nothing to delete");
  }

  @Test
  void invalidRulesAreRefused() {
    Storage storage = new Storage();

    assertThatThrownBy(() -> storage.decide(rules(rule().tags("("))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spec.retention[0].tagPattern: invalid regular expression");
  }
}
