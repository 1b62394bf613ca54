package dev.registryoperator.gcreport.retention;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule's {@code keepYoungerThan}: integers with units, as users write ages of images ({@code
 * 14d}, {@code 36h}, {@code 1d12h}). Days are the unit people think in for retention, so unlike the
 * operator's timeouts (Go durations) a day is a unit here; it is 24 hours.
 */
final class RetentionDuration {
  /**
   * Each unit at most once and in the order d, h, m, s, as Go durations and the operator's other
   * durations are written: {@code 1d12h}, not {@code 12h1d} nor {@code 1d1d}.
   */
  private static final Pattern FORMAT =
      Pattern.compile("(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?");

  private RetentionDuration() {}

  /**
   * The duration {@code text} states.
   *
   * @throws IllegalArgumentException when it is not one, or not longer than zero (an age limit of
   *     zero keeps nothing; {@code keepLatest: 0} says that plainly)
   */
  static Duration parse(String text) {
    Matcher m = FORMAT.matcher(text);
    if (text.isEmpty() || !m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a duration such as 14d, 36h or 1d12h"
              + " (integers with units d, h, m, s, in that order)");
    }
    Duration duration;
    try {
      duration =
          Duration.ofDays(number(m.group(1)))
              .plusHours(number(m.group(2)))
              .plusMinutes(number(m.group(3)))
              .plusSeconds(number(m.group(4)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration");
    }
    if (duration.isZero()) {
      throw new IllegalArgumentException("'" + text + "' is not longer than 0");
    }
    return duration;
  }

  private static long number(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }
}
