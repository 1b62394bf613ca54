package dev.registryoperator.gcreport.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetentionDurationTest {
  @Test
  void readsDaysHoursMinutesAndSecondsInThatOrder() {
    assertThat(RetentionDuration.parse("14d")).isEqualTo(Duration.ofDays(14));
    assertThat(RetentionDuration.parse("36h")).isEqualTo(Duration.ofHours(36));
    assertThat(RetentionDuration.parse("1d12h")).isEqualTo(Duration.ofHours(36));
    assertThat(RetentionDuration.parse("90m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(RetentionDuration.parse("1d2h3m4s"))
        .isEqualTo(Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4));
    assertThat(RetentionDuration.parse("0d1s")).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void refusesOtherSpellings() {
    for (String text :
        new String[] {"", "14", "d", "14 d", "14days", "12h1d", "1d1d", "1w", "-1d"}) {
      assertThatThrownBy(() -> RetentionDuration.parse(text))
          .as(text)
          .hasMessage(
              "'"
                  + text
                  + "' is not a duration such as 14d, 36h or 1d12h"
                  + " (integers with units d, h, m, s, in that order)");
    }
  }

  @Test
  void refusesZeroAndWhatDoesNotFit() {
    assertThatThrownBy(() -> RetentionDuration.parse("0d0h"))
        .hasMessage("'0d0h' is not longer than 0");
    assertThatThrownBy(() -> RetentionDuration.parse("99999999999999999999d"))
        .hasMessage("'99999999999999999999d' is too long a duration");
    assertThatThrownBy(() -> RetentionDuration.parse("9999999999999999d"))
        .hasMessage("'9999999999999999d' is too long a duration");
  }
}
