package dev.registryoperator.gcreport.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionRulesTest {
  @Test
  void acceptsValidRulesAndNoRules() {
    assertThat(RetentionRules.validate(null)).isEmpty();
    assertThat(RetentionRules.validate(List.of())).isEmpty();
    assertThat(
            RetentionRules.validate(
                List.of(
                    new RetentionRule(
                        List.of("team/**"),
                        List.of("team/tmp-*"),
                        "pr-.*",
                        "pr-keep-.*",
                        3,
                        "1d12h"),
                    new RetentionRule(null, null, null, null, 0, null))))
        .isEmpty();
  }

  @Test
  void namesTheFieldOfEveryError() {
    List<RetentionRule> rules =
        Arrays.asList(
            new RetentionRule(null, null, null, null, 10, null),
            new RetentionRule(List.of("team/*", ""), List.of("a/***"), "v(\\d+", "[x", -1, "0d"),
            null,
            new RetentionRule(null, null, "pr-.*", null, null, null),
            new RetentionRule(null, null, null, null, null, "2 weeks"));

    assertThat(RetentionRules.validate(rules))
        .containsExactly(
            "spec.retention[1].repositories[1]: invalid glob: empty pattern",
            "spec.retention[1].excludeRepositories[0]: invalid glob: 'a/***' has three or more *"
                + " in a row: use * (within one path segment) or ** (across segments)",
            "spec.retention[1].tagPattern: invalid regular expression: Unclosed group near index 5"
                + " in 'v(\\d+'",
            "spec.retention[1].keepTagPattern: invalid regular expression: Unclosed character"
                + " class near index 1 in '[x'",
            "spec.retention[1].keepLatest: must be 0 or more, got -1",
            "spec.retention[1].keepYoungerThan: invalid duration: '0d' is not longer than 0",
            "spec.retention[2]: must be a rule, got null",
            "spec.retention[3]: a rule needs keepLatest or keepYoungerThan"
                + " (keepLatest: 0 deletes every selected tag)",
            "spec.retention[4].keepYoungerThan: invalid duration: '2 weeks' is not a duration such"
                + " as 14d, 36h or 1d12h (integers with units d, h, m, s, in that order)");
  }

  @Test
  void compilingInvalidRulesFailsWithEveryError() {
    List<RetentionRule> rules =
        List.of(
            new RetentionRule(null, null, "(", null, 1, null),
            new RetentionRule(null, null, null, null, null, null));

    assertThatThrownBy(() -> RetentionRules.compile(rules))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid retention rules: spec.retention[0].tagPattern: ")
        .hasMessageContaining("; spec.retention[1]: a rule needs keepLatest or keepYoungerThan");
  }

  @Test
  void isReadAndWrittenAsTheCrdEmbedsIt() throws Exception {
    ObjectMapper json = new ObjectMapper();
    RetentionRule rule =
        json.readValue(
            "{\"repositories\":[\"team/**\"],\"tagPattern\":\"pr-.*\",\"keepYoungerThan\":\"14d\"}",
            RetentionRule.class);

    assertThat(rule)
        .isEqualTo(new RetentionRule(List.of("team/**"), null, "pr-.*", null, null, "14d"));
    assertThat(json.writeValueAsString(new RetentionRule(null, null, null, null, 10, null)))
        .isEqualTo("{\"keepLatest\":10}");
  }

  @Test
  void describesEveryFieldForTheCrdSchema() {
    ObjectMapper json = new ObjectMapper();
    List<BeanPropertyDefinition> properties =
        json.getSerializationConfig()
            .introspect(json.constructType(RetentionRule.class))
            .findProperties();

    assertThat(properties)
        .extracting(BeanPropertyDefinition::getName)
        .containsExactlyInAnyOrder(
            "repositories",
            "excludeRepositories",
            "tagPattern",
            "keepTagPattern",
            "keepLatest",
            "keepYoungerThan");
    assertThat(properties)
        .allSatisfy(p -> assertThat(p.getMetadata().getDescription()).isNotBlank());
  }
}
