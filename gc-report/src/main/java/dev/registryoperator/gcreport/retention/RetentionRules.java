package dev.registryoperator.gcreport.retention;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks and compiles a GcSchedule's {@code spec.retention}. The operator validates a spec with it
 * before it accepts one; the runner compiles the same rules with it, so a rule the operator
 * accepted is one the runner can apply.
 */
public final class RetentionRules {
  /** Where the rules live in a GcSchedule; every error names its field from here. */
  static final String FIELD = "spec.retention";

  private RetentionRules() {}

  /**
   * Everything wrong with {@code rules}, each error naming its field ({@code
   * spec.retention[1].tagPattern: invalid regular expression: ...}), in the order of the rules and
   * their fields; empty when they are valid. Null is no rules, which is valid.
   */
  public static List<String> validate(List<RetentionRule> rules) {
    List<String> errors = new ArrayList<>();
    compile(rules, errors);
    return List.copyOf(errors);
  }

  /**
   * The rules compiled, in their order.
   *
   * @throws IllegalArgumentException with every error of {@link #validate} when they are not valid
   */
  static List<CompiledRule> compile(List<RetentionRule> rules) {
    List<String> errors = new ArrayList<>();
    List<CompiledRule> compiled = compile(rules, errors);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("invalid retention rules: " + String.join("; ", errors));
    }
    return compiled;
  }

  private static List<CompiledRule> compile(List<RetentionRule> rules, List<String> errors) {
    List<CompiledRule> compiled = new ArrayList<>();
    if (rules != null) {
      for (int i = 0; i < rules.size(); i++) {
        new RuleCompiler(i, errors).compile(rules.get(i)).ifPresent(compiled::add);
      }
    }
    return compiled;
  }

  /** Compiles one rule, adding an error for each field that does not compile. */
  private static final class RuleCompiler {
    private final int index;
    private final String path;
    private final List<String> errors;
    private final int errorsBefore;

    RuleCompiler(int index, List<String> errors) {
      this.index = index;
      this.path = FIELD + "[" + index + "]";
      this.errors = errors;
      this.errorsBefore = errors.size();
    }

    Optional<CompiledRule> compile(RetentionRule rule) {
      if (rule == null) {
        errors.add(path + ": must be a rule, got null");
        return Optional.empty();
      }
      List<Pattern> repositories = globs("repositories", rule.repositories());
      List<Pattern> excludes = globs("excludeRepositories", rule.excludeRepositories());
      Pattern tagPattern = regex("tagPattern", rule.tagPattern());
      Pattern keepTagPattern = regex("keepTagPattern", rule.keepTagPattern());
      if (rule.keepLatest() != null && rule.keepLatest() < 0) {
        errors.add(path + ".keepLatest: must be 0 or more, got " + rule.keepLatest());
      }
      Duration keepYoungerThan = duration("keepYoungerThan", rule.keepYoungerThan());
      if (rule.keepLatest() == null && rule.keepYoungerThan() == null) {
        errors.add(
            path
                + ": a rule needs keepLatest or keepYoungerThan"
                + " (keepLatest: 0 deletes every selected tag)");
      }
      if (errors.size() > errorsBefore) {
        return Optional.empty();
      }
      return Optional.of(
          new CompiledRule(
              index,
              rule,
              repositories,
              excludes,
              tagPattern,
              keepTagPattern,
              rule.keepLatest(),
              keepYoungerThan));
    }

    private List<Pattern> globs(String field, List<String> globs) {
      List<Pattern> compiled = new ArrayList<>();
      if (globs == null) {
        return compiled;
      }
      for (int i = 0; i < globs.size(); i++) {
        try {
          compiled.add(Glob.compile(globs.get(i)));
        } catch (IllegalArgumentException e) {
          errors.add(path + "." + field + "[" + i + "]: invalid glob: " + e.getMessage());
        }
      }
      return compiled;
    }

    private Pattern regex(String field, String regex) {
      if (regex == null) {
        return null;
      }
      try {
        return Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        // getMessage() spans three lines (the pattern and a caret): too much for a status message.
        String near = e.getIndex() >= 0 ? " near index " + e.getIndex() : "";
        errors.add(
            path
                + "."
                + field
                + ": invalid regular expression: "
                + e.getDescription()
                + near
                + " in '"
                + regex
                + "'");
        return null;
      }
    }

    private Duration duration(String field, String text) {
      if (text == null) {
        return null;
      }
      try {
        return RetentionDuration.parse(text);
      } catch (IllegalArgumentException e) {
        errors.add(path + "." + field + ": invalid duration: " + e.getMessage());
        return null;
      }
    }
  }
}
