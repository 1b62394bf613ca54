package dev.registryoperator.gc;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.field.CronFieldName;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A five-field Unix cron schedule evaluated in an IANA time zone, as used by a {@code GcSchedule}
 * (modelled on the Kubernetes CronJob {@code schedule} and {@code timeZone} fields). Immutable and
 * free of I/O; the clock is always passed in.
 *
 * <p><b>Syntax.</b> {@code minute hour day-of-month month day-of-week} with ranges, lists, steps
 * and names ({@code JAN}, {@code MON}), parsed by cron-utils ({@link CronType#UNIX}); day-of-week 0
 * and 7 are both Sunday, and when day-of-month and day-of-week are both restricted a day matching
 * either fires (as in Vixie cron). The macros {@code @yearly}/{@code @annually}, {@code @monthly},
 * {@code @weekly}, {@code @daily}/{@code @midnight} and {@code @hourly} are expanded here. Quartz
 * extensions ({@code ?}, {@code L}, {@code W}, {@code #}) are rejected, and so is an expression
 * that can never fire (such as {@code 0 0 30 2 *}).
 *
 * <p><b>Time zone.</b> The fields are matched against wall-clock time in {@link #zone()}: an IANA
 * region name from the tz database (for example {@code Europe/Berlin}, {@code UTC}); {@code null}
 * or blank means UTC. Fixed offsets such as {@code +02:00} or {@code UTC+2} are rejected, as the
 * CronJob {@code timeZone} field only takes tz database names.
 *
 * <p><b>Daylight saving.</b> The schedule is the set of instants at which the local clock shows a
 * matching minute, with two rules for the days the clock jumps:
 *
 * <ul>
 *   <li><i>Clocks go forward (gap):</i> a local time that does not exist is skipped. With {@code 30
 *       2 * * *} in Europe/Berlin there is no run on 2026-03-29 (02:00 jumps to 03:00); the next
 *       run is 2026-03-30 02:30 CEST. An hourly schedule runs at 01:00 CET and then 03:00 CEST, one
 *       real hour apart (23 runs that day). This is what cron-utils and Kubernetes CronJob
 *       (robfig/cron) do; Vixie cron would run the skipped job right after the jump instead.
 *   <li><i>Clocks go back (overlap):</i> a local time that occurs twice fires once, at its first
 *       occurrence (the earlier instant, still on summer time), so {@code 30 2 * * *} in
 *       Europe/Berlin runs once on 2026-10-25, at 02:30 CEST. Exception: if the hour field matches
 *       every hour (as in {@code @hourly} or {@code 0,30 * * * *}), the repeated wall-clock times
 *       fire again, so an hourly schedule keeps running every real hour (25 runs that day). This
 *       follows Vixie cron's rule for fixed-time versus frequent jobs. (cron-utils alone is
 *       inconsistent here, and robfig/cron runs a nightly job twice.)
 * </ul>
 *
 * <p>{@link #nextAfter}, {@link #latestAtOrBefore} and {@link #decide} all use this same set, so an
 * instant is never produced twice and the reconciler cannot run one local time twice.
 */
public final class CronSchedule {

  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  private static final String FIELDS = "minute hour day-of-month month day-of-week";
  private static final String ZONE_HINT = "use an IANA name such as Europe/Berlin";

  private final String expression;
  private final ZoneId zone;
  private final ZoneRules rules;

  /** Evaluated in UTC, which has no DST: it enumerates matching local (wall-clock) date-times. */
  private final ExecutionTime wallClock;

  /** Whether the hour field matches all 24 hours; such schedules also fire in a repeated hour. */
  private final boolean everyHour;

  private CronSchedule(String expression, ZoneId zone, Cron cron) {
    this.expression = expression;
    this.zone = zone;
    this.rules = zone.getRules();
    this.wallClock = ExecutionTime.forCron(cron);
    this.everyHour = matchesEveryHour(cron);
  }

  /**
   * Parses a schedule.
   *
   * @param expression five-field cron expression or macro such as {@code @daily}
   * @param timeZone IANA time zone name; {@code null} or blank means UTC
   * @throws IllegalArgumentException with a user-facing message if either is invalid
   */
  public static CronSchedule parse(String expression, String timeZone) {
    String key = expression + "\u0000" + timeZone;
    CronSchedule known = PARSED.get(key);
    if (known != null) {
      return known;
    }
    CronSchedule parsed = compile(expression, timeZone);
    if (PARSED.size() >= PARSED_LIMIT) {
      PARSED.clear(); // many distinct schedules: start over rather than grow without bound
    }
    PARSED.put(key, parsed);
    return parsed;
  }

  /**
   * Parsed schedules, immutable, by expression and zone: every reconcile of a GcSchedule asks for
   * its schedule, and parsing one costs more than the rest of that reconcile's arithmetic.
   */
  private static final Map<String, CronSchedule> PARSED = new ConcurrentHashMap<>();

  private static final int PARSED_LIMIT = 4096;

  private static CronSchedule compile(String expression, String timeZone) {
    String trimmed = expression == null ? "" : expression.trim();
    String fiveFields = trimmed;
    if (trimmed.startsWith("@")) {
      fiveFields = MACROS.get(trimmed.toLowerCase(Locale.ROOT));
      if (fiveFields == null) {
        throw invalid(
            trimmed,
            "unknown macro; use @yearly, @annually, @monthly, @weekly, @daily, @midnight"
                + " or @hourly");
      }
    } else if (trimmed.isEmpty()) {
      throw invalid(
          trimmed, "it is empty; expected 5 fields (" + FIELDS + ") or a macro like @daily");
    } else {
      String[] fields = trimmed.split("\\s+");
      if (fields.length != 5) {
        throw invalid(trimmed, "expected 5 fields (" + FIELDS + ") but found " + fields.length);
      }
      fiveFields = String.join(" ", fields);
    }
    Cron cron;
    try {
      cron = PARSER.parse(fiveFields).validate();
    } catch (RuntimeException e) {
      String reason = Objects.toString(e.getMessage(), e.getClass().getSimpleName());
      throw invalid(trimmed, reason.replaceFirst("^Failed to parse cron expression\\.\\s*", ""));
    }
    CronSchedule schedule = new CronSchedule(trimmed, parseZone(timeZone), cron);
    LocalDateTime probe = LocalDateTime.of(2000, 1, 1, 0, 0);
    if (schedule.wallClockAfter(probe) == null) {
      throw invalid(trimmed, "it never fires (no calendar date matches)");
    }
    return schedule;
  }

  private static ZoneId parseZone(String timeZone) {
    if (timeZone == null || timeZone.isBlank()) {
      return ZoneId.of("UTC");
    }
    String id = timeZone.trim();
    ZoneId zone;
    try {
      zone = ZoneId.of(id);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("unknown time zone '" + id + "': " + ZONE_HINT);
    }
    if (!ZoneId.getAvailableZoneIds().contains(zone.getId())) {
      throw new IllegalArgumentException(
          "time zone '"
              + id
              + "' is a fixed UTC offset, not a time zone name: "
              + ZONE_HINT
              + " or UTC");
    }
    return zone;
  }

  private static IllegalArgumentException invalid(String expression, String reason) {
    return new IllegalArgumentException("invalid cron expression '" + expression + "': " + reason);
  }

  private static boolean matchesEveryHour(Cron cron) {
    String hours = cron.retrieve(CronFieldName.HOUR).getExpression().asString();
    ExecutionTime hourField = ExecutionTime.forCron(PARSER.parse("0 " + hours + " * * *"));
    ZonedDateTime midnight = LocalDateTime.of(2000, 1, 1, 0, 0).atZone(ZoneOffset.UTC);
    for (int hour = 0; hour < 24; hour++) {
      if (!hourField.isMatch(midnight.plusHours(hour))) {
        return false;
      }
    }
    return true;
  }

  /** The expression as given (trimmed), e.g. {@code @daily} or {@code 30 2 * * *}. */
  public String expression() {
    return expression;
  }

  /** The time zone the expression is evaluated in; UTC if none was given. */
  public ZoneId zone() {
    return zone;
  }

  /** The first scheduled instant strictly after {@code t}; empty only if there is none. */
  public Optional<Instant> nextAfter(Instant t) {
    Objects.requireNonNull(t, "t");
    // Start from the local time at t. If the clock goes back soon after t, instants after t can
    // show earlier local times (down to t + the offset after the transition): start there.
    ZoneOffset low = rules.getOffset(t);
    ZoneOffsetTransition upcoming = rules.nextTransition(t);
    if (upcoming != null) {
      int drop = low.getTotalSeconds() - upcoming.getOffsetAfter().getTotalSeconds();
      if (drop > 0 && Duration.between(t, upcoming.getInstant()).getSeconds() <= drop) {
        low = upcoming.getOffsetAfter();
      }
    }
    Instant best = null;
    LocalDateTime local = LocalDateTime.ofInstant(t, low).truncatedTo(ChronoUnit.MINUTES);
    while ((local = wallClockAfter(local)) != null) {
      List<Instant> instants = instantsOf(local);
      if (instants.isEmpty()) {
        continue; // in a gap
      }
      if (best != null && !instants.get(0).isBefore(best)) {
        break; // earliest instants only grow with local time
      }
      for (Instant candidate : instants) {
        if (candidate.isAfter(t) && (best == null || candidate.isBefore(best))) {
          best = candidate;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The most recent scheduled instant at or before {@code t} (a schedule firing exactly at {@code
   * t} returns {@code t}); empty only if there is none.
   */
  public Optional<Instant> latestAtOrBefore(Instant t) {
    Objects.requireNonNull(t, "t");
    // Start from the local time at t. If the clock went back shortly before t, instants before t
    // can show later local times (up to t + the offset before the transition): start there.
    ZoneOffset high = rules.getOffset(t);
    ZoneOffsetTransition previous = rules.previousTransition(t.plusNanos(1));
    if (previous != null) {
      int drop = previous.getOffsetBefore().getTotalSeconds() - high.getTotalSeconds();
      if (drop > 0 && Duration.between(previous.getInstant(), t).getSeconds() < drop) {
        high = previous.getOffsetBefore();
      }
    }
    Instant best = null;
    LocalDateTime local = LocalDateTime.ofInstant(t, high).truncatedTo(ChronoUnit.MINUTES);
    local = local.plusMinutes(1);
    while ((local = wallClockBefore(local)) != null) {
      List<Instant> instants = instantsOf(local);
      if (instants.isEmpty()) {
        continue;
      }
      if (best != null && !lastOf(instants).isAfter(best)) {
        break; // latest instants only shrink as local time goes back
      }
      for (Instant candidate : instants) {
        if (!candidate.isAfter(t) && (best == null || candidate.isAfter(best))) {
          best = candidate;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * What the reconciler should do at {@code now}.
   *
   * <p>Considers the scheduled times {@code t} with {@code baseline < t <= now}, where the baseline
   * is {@code lastScheduled}, or {@code created} if nothing was scheduled yet (so, like a CronJob,
   * a new schedule never runs for times before its creation). Only the latest such {@code t}
   * counts: several missed times give one run. It is {@link Decision#runFor} if {@code
   * startingDeadlineSeconds} is {@code null} or {@code now - t <= startingDeadlineSeconds}, else
   * {@link Decision#missed} (record it as handled and warn).
   *
   * @param lastScheduled the last scheduled time handled (run or missed), or {@code null}
   * @param created when the schedule resource was created
   * @param now the current time
   * @param startingDeadlineSeconds how late a run may still start, or {@code null} for no limit
   */
  public Decision decide(
      Instant lastScheduled, Instant created, Instant now, Long startingDeadlineSeconds) {
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(now, "now");
    Instant baseline = lastScheduled != null ? lastScheduled : created;
    Optional<Instant> due = latestAtOrBefore(now).filter(t -> t.isAfter(baseline));
    if (due.isEmpty()) {
      return new Decision(Optional.empty(), Optional.empty());
    }
    Duration late = Duration.between(due.get(), now);
    boolean inTime =
        startingDeadlineSeconds == null
            || late.compareTo(Duration.ofSeconds(startingDeadlineSeconds)) <= 0;
    return inTime ? new Decision(due, Optional.empty()) : new Decision(Optional.empty(), due);
  }

  /**
   * The outcome of {@link #decide}: at most one of {@code runFor} and {@code missed} is present.
   *
   * @param runFor the scheduled time to start a run for now
   * @param missed the scheduled time that is past its starting deadline; do not run it
   */
  public record Decision(Optional<Instant> runFor, Optional<Instant> missed) {
    public Decision {
      Objects.requireNonNull(runFor, "runFor");
      Objects.requireNonNull(missed, "missed");
    }
  }

  /** The instants at which the local clock shows {@code local}, in order, per the DST rules. */
  private List<Instant> instantsOf(LocalDateTime local) {
    ZoneOffsetTransition transition = rules.getTransition(local);
    if (transition == null) {
      return List.of(local.toInstant(rules.getOffset(local)));
    }
    if (transition.isGap()) {
      return List.of();
    }
    List<Instant> instants = new ArrayList<>(2);
    instants.add(local.toInstant(transition.getOffsetBefore()));
    if (everyHour) {
      instants.add(local.toInstant(transition.getOffsetAfter()));
    }
    return instants;
  }

  private static Instant lastOf(List<Instant> instants) {
    return instants.get(instants.size() - 1);
  }

  /** The first matching wall-clock minute strictly after {@code local}, or null. */
  private LocalDateTime wallClockAfter(LocalDateTime local) {
    return wallClock
        .nextExecution(local.atZone(ZoneOffset.UTC))
        .map(ZonedDateTime::toLocalDateTime)
        .orElse(null);
  }

  /** The last matching wall-clock minute strictly before {@code local}, or null. */
  private LocalDateTime wallClockBefore(LocalDateTime local) {
    return wallClock
        .lastExecution(local.atZone(ZoneOffset.UTC))
        .map(ZonedDateTime::toLocalDateTime)
        .orElse(null);
  }

  @Override
  public String toString() {
    return "CronSchedule[" + expression + " in " + zone.getId() + "]";
  }
}
