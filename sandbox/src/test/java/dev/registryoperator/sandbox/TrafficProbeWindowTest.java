package dev.registryoperator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.sandbox.TrafficProbe.Attempt;
import dev.registryoperator.sandbox.TrafficProbe.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The refused window: first refusal to the first success after the last refusal. */
class TrafficProbeWindowTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static List<Attempt> attempts(Outcome... outcomes) {
    List<Attempt> list = new ArrayList<>();
    for (int i = 0; i < outcomes.length; i++) {
      list.add(
          new Attempt(
              T0.plusSeconds(i), T0.plusSeconds(i).plusMillis(500), outcomes[i], "r:p" + i, null));
    }
    return list;
  }

  @Test
  void spansFromTheFirstRefusalToTheFirstSuccessAfterTheLast() {
    var window =
        TrafficProbe.refusedWindow(
                attempts(
                    Outcome.Ok,
                    Outcome.Refused,
                    Outcome.Ok,
                    Outcome.Refused,
                    Outcome.Unavailable,
                    Outcome.Ok,
                    Outcome.Ok))
            .orElseThrow();
    assertThat(window.firstRefused()).isEqualTo(T0.plusSeconds(1).plusMillis(500));
    assertThat(window.firstSuccessAfter()).isEqualTo(T0.plusSeconds(5).plusMillis(500));
    assertThat(window.duration()).isEqualTo(Duration.ofSeconds(4));
    assertThat(window.refusedAttempts()).isEqualTo(3);
  }

  @Test
  void noWindowWithoutRefusalsOrWithoutRecovery() {
    assertThat(TrafficProbe.refusedWindow(attempts(Outcome.Ok, Outcome.Ok))).isEmpty();
    assertThat(TrafficProbe.refusedWindow(attempts(Outcome.Ok, Outcome.Refused))).isEmpty();
  }
}
