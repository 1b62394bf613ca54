package dev.registryoperator.gc;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as users write them in specs: 90s, 10m, 1h30m. Pure. */
public final class Durations {
  /** What the CRD accepts (and so the API server): a duration longer than zero. */
  private static final Pattern VALID = Pattern.compile(GcScheduleSpec.DURATION_PATTERN);

  private static final Pattern UNITS =
      Pattern.compile("^(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?$");

  private Durations() {}

  /** The duration in {@code value}; refuses exactly what the CRD's pattern refuses. */
  public static Duration parse(String field, String value) {
    if (value == null || !VALID.matcher(value).find()) {
      throw new IllegalArgumentException(
          field + " '" + value + "' is not a duration longer than 0s such as 90s, 10m or 1h30m");
    }
    Matcher m = UNITS.matcher(value);
    if (!m.matches()) {
      throw new IllegalStateException(
          "DURATION_PATTERN accepted '" + value + "' that the unit pattern cannot read");
    }
    Duration d = Duration.ZERO;
    if (m.group(1) != null) {
      d = d.plusHours(Long.parseLong(m.group(1)));
    }
    if (m.group(2) != null) {
      d = d.plusMinutes(Long.parseLong(m.group(2)));
    }
    if (m.group(3) != null) {
      d = d.plusSeconds(Long.parseLong(m.group(3)));
    }
    return d;
  }

  /** Bytes in binary units, as kubectl users read them: 0 B, 512 B, 1.5 KiB, 3.2 GiB. */
  public static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
