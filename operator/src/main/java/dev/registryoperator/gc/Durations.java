package dev.registryoperator.gc;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as users write them in specs: 90s, 10m, 1h30m. Pure. */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile(GcScheduleSpec.DURATION_PATTERN);

  private Durations() {}

  public static Duration parse(String field, String value) {
    Matcher m = value == null ? null : FORMAT.matcher(value.trim());
    if (m == null || value.isBlank() || !m.matches()) {
      throw new IllegalArgumentException(field + " '" + value + "' is not a duration such as 90s, 10m or 1h30m");
    }
    Duration d = Duration.ZERO;
    if (m.group(1) != null) {
      d = d.plusHours(Long.parseLong(m.group(1).replace("h", "")));
    }
    if (m.group(2) != null) {
      d = d.plusMinutes(Long.parseLong(m.group(2).replace("m", "")));
    }
    if (m.group(3) != null) {
      d = d.plusSeconds(Long.parseLong(m.group(3).replace("s", "")));
    }
    if (d.isZero()) {
      throw new IllegalArgumentException(field + " must be longer than 0s");
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
