package dev.registryoperator.gcreport.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A valid rule, its patterns compiled once for every tag of every repository. Made only by {@link
 * RetentionRules}, so that what the operator accepts and what the runner applies cannot differ.
 *
 * @param index the rule's position in {@code spec.retention}, which plans cite
 * @param rule the rule as written, for the words of a plan
 * @param repositories empty: every repository
 * @param tagPattern null: every tag
 * @param keepTagPattern null: none kept by name
 * @param keepYoungerThan null: none kept by age
 */
record CompiledRule(
    int index,
    RetentionRule rule,
    List<Pattern> repositories,
    List<Pattern> excludeRepositories,
    Pattern tagPattern,
    Pattern keepTagPattern,
    Integer keepLatest,
    Duration keepYoungerThan) {

  /**
   * The tag clients pull when they name none. Deleting it breaks every {@code docker pull
   * team/app}, so a rule deletes it only when its tagPattern says so in words.
   */
  static final String LATEST = "latest";

  boolean appliesTo(String repository) {
    boolean included =
        repositories.isEmpty()
            || repositories.stream().anyMatch(p -> p.matcher(repository).matches());
    return included && excludeRepositories.stream().noneMatch(p -> p.matcher(repository).matches());
  }

  /** Whether the tagPattern matches, before {@link #LATEST} is spared. */
  boolean matchesTag(String tag) {
    return tagPattern == null || tagPattern.matcher(tag).matches();
  }

  /**
   * Whether this rule decides about {@code tag} (in a repository it applies to). It does not decide
   * about {@link #LATEST} unless its tagPattern's text contains the word: a pattern such as {@code
   * .*} or none at all is not taken as a wish to delete {@code latest}.
   */
  boolean selects(String tag) {
    return matchesTag(tag)
        && (!LATEST.equals(tag) || (tagPattern != null && tagPattern.pattern().contains(LATEST)));
  }

  boolean keepsByPattern(String tag) {
    return keepTagPattern != null && keepTagPattern.matcher(tag).matches();
  }

  /** Pushed less than keepYoungerThan before {@code now}; a push time after now counts as young. */
  boolean keepsByAge(Instant pushed, Instant now) {
    return keepYoungerThan != null && Duration.between(pushed, now).compareTo(keepYoungerThan) < 0;
  }

  /** Why this rule deletes a tag it selects and does not keep, in a plan's words. */
  String deletes() {
    String latest =
        keepLatest == null ? null : keepLatest == 0 ? "keepLatest is 0" : "not " + newest();
    String age =
        keepYoungerThan == null ? null : "pushed " + rule.keepYoungerThan() + " or more ago";
    String why = latest == null ? age : age == null ? latest : latest + " and " + age;
    return "rule " + index + ": " + why;
  }

  /** Where a tag this rule keeps for being recent is, in a plan's words. */
  String newest() {
    return keepLatest == 1 ? "the newest" : "among the " + keepLatest + " newest";
  }
}
