package dev.registryoperator.gcreport.retention;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.List;

/**
 * One entry of a GcSchedule's {@code spec.retention}, as the user writes it: which tags it selects
 * and which of those it keeps. A tag that some rule selects and no rule that selects it keeps is
 * deleted before GC; {@link RetentionDecision} has the whole semantics. The operator embeds this
 * record in its CRD (hence the descriptions) and hands it to the GC runner unchanged, so both read
 * the rules through the same code. Nothing is checked here: {@link RetentionRules#validate} says
 * what is wrong with a spec as a whole.
 *
 * @param repositories globs of the repository names the rule applies to; null or empty: all
 * @param excludeRepositories globs of repository names the rule does not apply to
 * @param tagPattern regular expression a tag must match as a whole to be selected; null: every tag
 * @param keepTagPattern regular expression: selected tags matching it as a whole are kept
 * @param keepLatest how many of the newest selected tags each repository keeps
 * @param keepYoungerThan selected tags pushed less than this long ago are kept ({@code 14d})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetentionRule(
    @JsonPropertyDescription(
            "Glob patterns of the repository names this rule applies to, such as team/* or"
                + " team/**: * matches any characters except /, ** any characters including /, ?"
                + " one character except /; anything else matches itself. Empty or absent: every"
                + " repository.")
        List<String> repositories,
    @JsonPropertyDescription(
            "Glob patterns (as in repositories) of repository names this rule does not apply to,"
                + " even when repositories matches them.")
        List<String> excludeRepositories,
    @JsonPropertyDescription(
            "Java regular expression that must match the whole tag for this rule to select it."
                + " Absent: every tag. The tag latest is kept unless the pattern of a rule"
                + " selecting it contains the word latest.")
        String tagPattern,
    @JsonPropertyDescription(
            "Java regular expression: selected tags it matches as a whole are always kept (for"
                + " example release tags, v[0-9]+\\.[0-9]+\\.[0-9]+).")
        String keepTagPattern,
    @JsonPropertyDescription(
            "Keep this many of the tags the rule selects in each repository, the most recently"
                + " pushed ones (equal push times: in alphabetical order of the tag). 0 keeps none"
                + " by number: with 0 and no other keep, every selected tag is deleted. Absent:"
                + " none is kept for being recent. A rule needs keepLatest or keepYoungerThan.")
        @Min(0)
        Integer keepLatest,
    @JsonPropertyDescription(
            "Keep the tags the rule selects that were pushed less than this long ago: integers"
                + " with units d (24 hours), h, m, s in that order, such as 14d, 36h or 1d12h;"
                + " longer than 0. Absent: none is kept for its age.")
        @Pattern(DURATION_PATTERN)
        String keepYoungerThan) {

  /**
   * keepYoungerThan's syntax for the CRD schema: units d, h, m, s, each at most once, in that
   * order, at least one (the API server's regular expressions have no look-ahead, hence the
   * alternatives). That it is longer than 0 is checked by {@link RetentionRules#validate}.
   */
  public static final String DURATION_PATTERN =
      "^([0-9]+d([0-9]+h)?([0-9]+m)?([0-9]+s)?|[0-9]+h([0-9]+m)?([0-9]+s)?|[0-9]+m([0-9]+s)?|[0-9]+s)$";
}
