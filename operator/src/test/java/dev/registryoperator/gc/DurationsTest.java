package dev.registryoperator.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The CRD's pattern on duration fields and Durations.parse agree on every string: what the API
 * server accepts the operator can use, and what the operator refuses the API server refuses.
 */
class DurationsTest {
  private static final Path CRD =
      Path.of(
          System.getProperty("crds.dir", "../crds"), "gcschedules.registry.operator.dev-v1.yml");
  private static final List<String> DURATION_FIELDS = List.of("maxDuration", "quiesceTimeout");

  /** Each string, and whether both must accept it. */
  private static final Map<String, Boolean> TABLE = new LinkedHashMap<>();

  static {
    for (String valid :
        List.of(
            "1s",
            "90s",
            "10m",
            "1h",
            "1h30m",
            "1h0m0s",
            "0h1m",
            "0h0m1s",
            "2h0s",
            "1m0s",
            "36h",
            "999999999h",
            "999999999h59m59s",
            "1h1m1s")) {
      TABLE.put(valid, true);
    }
    for (String invalid :
        List.of(
            "",
            " ",
            "0",
            "0s",
            "0m",
            "0h",
            "0h0m0s",
            "00s",
            "010m",
            "1000000000h",
            "10",
            "1d",
            "1.5h",
            "1h30",
            "30m1h",
            "1ms",
            "-1s",
            "+1s",
            " 10m",
            "10m ",
            "1H",
            "1h 30m",
            "1hh",
            "s",
            "h1")) {
      TABLE.put(invalid, false);
    }
  }

  private static List<Pattern> crdPatterns() throws IOException {
    JsonNode spec =
        new YAMLMapper()
            .readTree(CRD.toFile())
            .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties");
    List<Pattern> patterns = new ArrayList<>();
    for (String field : DURATION_FIELDS) {
      String pattern = spec.at("/" + field + "/pattern").asText(null);
      assertThat(pattern).as("the CRD constrains spec.%s", field).isNotNull();
      patterns.add(Pattern.compile(pattern));
    }
    return patterns;
  }

  private static boolean parses(String value) {
    try {
      Durations.parse("spec.maxDuration", value);
      return true;
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).startsWith("spec.maxDuration");
      return false;
    }
  }

  @Test
  void theCrdPatternAndTheParserAgreeOnEveryString() throws IOException {
    for (Pattern pattern : crdPatterns()) {
      TABLE.forEach(
          (value, valid) -> {
            // The API server matches patterns as RE2 does: unanchored, so the pattern carries ^ and
            // $.
            assertThat(pattern.matcher(value).find())
                .as("CRD pattern on '%s'", value)
                .isEqualTo(valid);
            assertThat(parses(value)).as("Durations.parse('%s')", value).isEqualTo(valid);
          });
    }
  }

  @Test
  void theDefaultsAreValid() {
    GcScheduleSpec spec = new GcScheduleSpec();
    assertThat(Durations.parse("spec.maxDuration", spec.effectiveMaxDuration()))
        .isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("spec.quiesceTimeout", spec.effectiveQuiesceTimeout()))
        .isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void valuesAreReadAsGoDurations() {
    assertThat(Durations.parse("f", "1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("f", "0h0m1s")).isEqualTo(Duration.ofSeconds(1));
    assertThat(Durations.parse("f", "999999999h59m59s"))
        .isEqualTo(Duration.ofHours(999999999).plusMinutes(59).plusSeconds(59));
    assertThatThrownBy(() -> Durations.parse("spec.quiesceTimeout", "0s"))
        .hasMessageContaining("spec.quiesceTimeout '0s'");
    assertThatThrownBy(() -> Durations.parse("spec.quiesceTimeout", ""))
        .hasMessageContaining("spec.quiesceTimeout ''");
  }

  @Test
  void durationsAndByteCountsAsStatusWritesThem() {
    assertThat(Durations.parse("f", "1h30m").toMinutes()).isEqualTo(90);
    assertThat(Durations.parse("f", "45s").toSeconds()).isEqualTo(45);
    assertThat(Durations.bytes(0)).isEqualTo("0 B");
    assertThat(Durations.bytes(5L * 1024 * 1024 * 1024)).isEqualTo("5.0 GiB");
  }
}
