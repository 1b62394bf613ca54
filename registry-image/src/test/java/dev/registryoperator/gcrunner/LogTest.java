package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogTest {
  @Test
  void secondsHaveTwoDecimals() {
    assertThat(Log.seconds(0)).isEqualTo("0.00 s");
    assertThat(Log.seconds(0.051)).isEqualTo("0.05 s");
    assertThat(Log.seconds(3.5)).isEqualTo("3.50 s");
    assertThat(Log.seconds(123.456)).isEqualTo("123.46 s");
    assertThat(Log.twoDecimals(-1)).isEqualTo("0.00");
  }

  @Test
  void linesStartWithTheElapsedTimeInAFixedWidth() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new Log(new PrintStream(bytes, true, StandardCharsets.UTF_8)).info("hello");

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .matches("gc-runner \\[  0\\.\\d\\ds] hello\\R");
  }
}
