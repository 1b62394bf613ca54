package dev.registryoperator.gcreport.retention;

import java.util.Arrays;
import java.util.List;

/** A {@link RetentionRule} as a test writes it: only the fields it cares about. */
final class Rule {
  private List<String> repositories;
  private List<String> excludeRepositories;
  private String tagPattern;
  private String keepTagPattern;
  private Integer keepLatest;
  private String keepYoungerThan;

  /** A rule for every repository and every tag. */
  static Rule rule() {
    return new Rule();
  }

  static List<RetentionRule> rules(Rule... rules) {
    return Arrays.stream(rules).map(Rule::build).toList();
  }

  Rule repositories(String... globs) {
    repositories = List.of(globs);
    return this;
  }

  Rule exclude(String... globs) {
    excludeRepositories = List.of(globs);
    return this;
  }

  Rule tags(String regex) {
    tagPattern = regex;
    return this;
  }

  Rule keepTags(String regex) {
    keepTagPattern = regex;
    return this;
  }

  Rule keepLatest(int n) {
    keepLatest = n;
    return this;
  }

  Rule keepYoungerThan(String duration) {
    keepYoungerThan = duration;
    return this;
  }

  RetentionRule build() {
    return new RetentionRule(
        repositories, excludeRepositories, tagPattern, keepTagPattern, keepLatest, keepYoungerThan);
  }
}
