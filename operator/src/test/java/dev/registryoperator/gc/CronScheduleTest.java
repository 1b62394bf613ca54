package dev.registryoperator.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.registryoperator.gc.CronSchedule.Decision;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class CronScheduleTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static Instant at(String instant) {
    return Instant.parse(instant);
  }

  /** Local wall-clock time in a zone; for ambiguous times the earlier (summer time) instant. */
  private static Instant local(String localDateTime, ZoneId zone) {
    return LocalDateTime.parse(localDateTime).atZone(zone).toInstant();
  }

  private static Optional<Instant> some(String instant) {
    return Optional.of(at(instant));
  }

  /** All scheduled instants in (from, to], by chaining nextAfter. */
  private static List<Instant> runs(CronSchedule schedule, Instant from, Instant to) {
    List<Instant> result = new ArrayList<>();
    Instant t = from;
    while (true) {
      Instant next = schedule.nextAfter(t).orElseThrow();
      if (next.isAfter(to)) {
        return result;
      }
      assertThat(next).isAfter(t);
      result.add(next);
      t = next;
    }
  }

  /** Scheduled instants during one local calendar day in the schedule's zone. */
  private static List<Instant> runsOnLocalDay(CronSchedule schedule, String date) {
    LocalDate day = LocalDate.parse(date);
    Instant start = day.atStartOfDay(schedule.zone()).toInstant();
    Instant end = day.plusDays(1).atStartOfDay(schedule.zone()).toInstant();
    return runs(schedule, start.minusNanos(1), end.minusNanos(1));
  }

  private static List<String> inZone(List<Instant> instants, ZoneId zone) {
    return instants.stream()
        .map(i -> i.atZone(zone).toOffsetDateTime().toString())
        .collect(Collectors.toList());
  }

  @Nested
  class Parsing {

    @ParameterizedTest
    @CsvSource({
      "@hourly,   0 * * * *,  2026-01-15T11:00:00Z",
      "@daily,    0 0 * * *,  2026-01-16T00:00:00Z",
      "@midnight, 0 0 * * *,  2026-01-16T00:00:00Z",
      "@weekly,   0 0 * * 0,  2026-01-18T00:00:00Z", // 2026-01-15 is a Thursday
      "@monthly,  0 0 1 * *,  2026-02-01T00:00:00Z",
      "@yearly,   0 0 1 1 *,  2027-01-01T00:00:00Z",
      "@annually, 0 0 1 1 *,  2027-01-01T00:00:00Z",
    })
    void macrosMeanTheirFiveFieldExpression(String macro, String fiveFields, String expectedNext) {
      CronSchedule viaMacro = CronSchedule.parse(macro, null);
      CronSchedule viaFields = CronSchedule.parse(fiveFields, null);
      Instant now = at("2026-01-15T10:20:00Z");

      assertThat(viaMacro.expression()).isEqualTo(macro);
      assertThat(viaMacro.nextAfter(now)).isEqualTo(some(expectedNext));
      Instant yearLater = now.plus(Duration.ofDays(366));
      assertThat(runs(viaMacro, now, yearLater)).isEqualTo(runs(viaFields, now, yearLater));
    }

    @Test
    void macrosAreCaseInsensitiveAndTrimmed() {
      CronSchedule schedule = CronSchedule.parse("  @DAILY ", "Europe/Berlin");
      assertThat(schedule.expression()).isEqualTo("@DAILY");
      assertThat(schedule.nextAfter(at("2026-01-15T10:20:00Z")))
          .isEqualTo(some("2026-01-15T23:00:00Z")); // midnight CET
    }

    @Test
    void rangesStepsAndNames() {
      CronSchedule schedule = CronSchedule.parse("*/15 9-17 * JAN-MAR MON-FRI", null);
      // Friday 2026-01-16 17:45 is the last run of the week; Monday 09:00 the next one.
      assertThat(schedule.nextAfter(at("2026-01-16T17:30:00Z")))
          .isEqualTo(some("2026-01-16T17:45:00Z"));
      assertThat(schedule.nextAfter(at("2026-01-16T17:45:00Z")))
          .isEqualTo(some("2026-01-19T09:00:00Z"));
      // After March the next run is in January.
      assertThat(schedule.nextAfter(at("2026-03-31T17:45:00Z")))
          .isEqualTo(some("2027-01-01T09:00:00Z"));
      // 4 per hour, 9 hours, 5 days.
      assertThat(runs(schedule, at("2026-01-18T00:00:00Z"), at("2026-01-25T00:00:00Z")))
          .hasSize(4 * 9 * 5);
    }

    @Test
    void listsAndStepsFromAnOffset() {
      assertThat(
              runs(
                  CronSchedule.parse("5/20 1,13 1,15 * *", null),
                  at("2026-01-01T00:00:00Z"),
                  at("2026-01-31T00:00:00Z")))
          .containsExactly(
              at("2026-01-01T01:05:00Z"),
              at("2026-01-01T01:25:00Z"),
              at("2026-01-01T01:45:00Z"),
              at("2026-01-01T13:05:00Z"),
              at("2026-01-01T13:25:00Z"),
              at("2026-01-01T13:45:00Z"),
              at("2026-01-15T01:05:00Z"),
              at("2026-01-15T01:25:00Z"),
              at("2026-01-15T01:45:00Z"),
              at("2026-01-15T13:05:00Z"),
              at("2026-01-15T13:25:00Z"),
              at("2026-01-15T13:45:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 3 * * 0", "0 3 * * 7", "0 3 * * SUN", "0 3 * * sun", "0 3 * * 0,7"})
    void sundayIsZeroSevenOrSun(String expression) {
      CronSchedule schedule = CronSchedule.parse(expression, null);
      Instant next = schedule.nextAfter(at("2026-01-15T10:00:00Z")).orElseThrow();
      assertThat(next.atZone(ZoneOffset.UTC).getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY);
      assertThat(next).isEqualTo(at("2026-01-18T03:00:00Z"));
    }

    @Test
    void dayOfMonthAndDayOfWeekTogetherMeanEither() {
      // Vixie cron: the 13th OR any Friday.
      CronSchedule schedule = CronSchedule.parse("0 0 13 * FRI", null);
      assertThat(runs(schedule, at("2026-01-10T00:00:00Z"), at("2026-01-31T00:00:00Z")))
          .containsExactly(
              at("2026-01-13T00:00:00Z"), // Tuesday the 13th
              at("2026-01-16T00:00:00Z"),
              at("2026-01-23T00:00:00Z"),
              at("2026-01-30T00:00:00Z"));
    }

    @Test
    void extraWhitespaceIsIgnored() {
      CronSchedule schedule = CronSchedule.parse("  30\t2  *  * * ", null);
      assertThat(schedule.expression()).isEqualTo("30\t2  *  * *");
      assertThat(schedule.nextAfter(at("2026-01-15T00:00:00Z")))
          .isEqualTo(some("2026-01-15T02:30:00Z"));
    }

    @Test
    void leapDayOnlyScheduleIsValid() {
      CronSchedule schedule = CronSchedule.parse("0 0 29 2 *", null);
      assertThat(schedule.nextAfter(at("2026-01-01T00:00:00Z")))
          .isEqualTo(some("2028-02-29T00:00:00Z"));
      assertThat(schedule.latestAtOrBefore(at("2026-01-01T00:00:00Z")))
          .isEqualTo(some("2024-02-29T00:00:00Z"));
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "61 * * * *       | Value 61 not in range [0, 59]",
          "0 24 * * *       | Value 24 not in range [0, 23]",
          "0 0 0 * *        | Value 0 not in range [1, 31]",
          "0 0 * 13 *       | Value 13 not in range [1, 12]",
          "0 0 * * 8        | Value 8 not in range [0, 7]",
          "0 22-2 * * *     | Invalid range",
          "0 0 ? * MON      | ?",
          "0 0 L * *        | L",
          "0 0 * * MON#2    | MON#2",
          "a b c d e        | a",
          "* * * *          | expected 5 fields (minute hour day-of-month month day-of-week)"
              + " but found 4",
          "0 0 * * * *      | but found 6",
          "0 0 1 1 * 2026   | but found 6",
          "@reboot          | unknown macro; use @yearly, @annually, @monthly, @weekly, @daily,"
              + " @midnight or @hourly",
          "@every 1h        | unknown macro",
          "0 0 30 2 *       | it never fires (no calendar date matches)",
          "0 0 31 4 *       | it never fires",
        })
    void invalidExpressionsAreExplained(String expression, String reason) {
      assertThatThrownBy(() -> CronSchedule.parse(expression, "Europe/Berlin"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid cron expression '" + expression + "': ")
          .hasMessageContaining(reason)
          .hasMessageNotContaining("Failed to parse cron expression");
    }

    @Test
    void invalidExpressionMessageHasTheCronUtilsReason() {
      assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", null))
          .hasMessage("invalid cron expression '61 * * * *': Value 61 not in range [0, 59]");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\t"})
    void missingExpressionIsRejected(String expression) {
      assertThatThrownBy(() -> CronSchedule.parse(expression, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "invalid cron expression '': it is empty; expected 5 fields"
                  + " (minute hour day-of-month month day-of-week) or a macro like @daily");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void missingTimeZoneMeansUtc(String timeZone) {
      CronSchedule schedule = CronSchedule.parse("30 2 * * *", timeZone);
      assertThat(schedule.zone()).isEqualTo(ZoneId.of("UTC"));
      assertThat(schedule.nextAfter(at("2026-07-01T00:00:00Z")))
          .isEqualTo(some("2026-07-01T02:30:00Z"));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "UTC",
          "Etc/UTC",
          "GMT",
          "Europe/Berlin",
          "America/New_York",
          "Asia/Kolkata",
          "Etc/GMT-2",
          "Australia/Lord_Howe"
        })
    void ianaZonesAreAccepted(String timeZone) {
      assertThat(CronSchedule.parse("@daily", timeZone).zone()).isEqualTo(ZoneId.of(timeZone));
    }

    @Test
    void timeZoneIsTrimmed() {
      assertThat(CronSchedule.parse("@daily", " Europe/Berlin ").zone()).isEqualTo(BERLIN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Mars/Base", "europe/berlin", "Berlin", "CEST", "PST", "Local"})
    void unknownZonesAreRejected(String timeZone) {
      assertThatThrownBy(() -> CronSchedule.parse("@daily", timeZone))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "unknown time zone '" + timeZone + "': use an IANA name such as Europe/Berlin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"+02:00", "-05:00", "Z", "UTC+2", "GMT+02:00", "UT+01:00"})
    void fixedOffsetsAreRejected(String timeZone) {
      assertThatThrownBy(() -> CronSchedule.parse("@daily", timeZone))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "time zone '"
                  + timeZone
                  + "' is a fixed UTC offset, not a time zone name:"
                  + " use an IANA name such as Europe/Berlin or UTC");
    }

    @Test
    void expressionIsCheckedBeforeTimeZone() {
      assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", "Mars/Base"))
          .hasMessageStartingWith("invalid cron expression '61 * * * *'");
    }

    @Test
    void accessorsAndToString() {
      CronSchedule schedule = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
      assertThat(schedule.expression()).isEqualTo("30 2 * * *");
      assertThat(schedule.zone()).isEqualTo(BERLIN);
      assertThat(schedule).hasToString("CronSchedule[30 2 * * * in Europe/Berlin]");
      assertThat(CronSchedule.parse("@hourly", null)).hasToString("CronSchedule[@hourly in UTC]");
    }
  }

  @Nested
  class NextAfter {

    @Test
    void isStrictlyAfterInUtc() {
      CronSchedule schedule = CronSchedule.parse("30 2 * * *", "UTC");
      assertThat(schedule.nextAfter(at("2026-01-15T02:29:59.999999999Z")))
          .isEqualTo(some("2026-01-15T02:30:00Z"));
      assertThat(schedule.nextAfter(at("2026-01-15T02:30:00Z")))
          .isEqualTo(some("2026-01-16T02:30:00Z"));
      assertThat(schedule.nextAfter(at("2026-01-15T02:30:00.000000001Z")))
          .isEqualTo(some("2026-01-16T02:30:00Z"));
    }

    @Test
    void everyMinute() {
      CronSchedule schedule = CronSchedule.parse("* * * * *", null);
      assertThat(schedule.nextAfter(at("2026-01-15T10:20:30Z")))
          .isEqualTo(some("2026-01-15T10:21:00Z"));
      assertThat(schedule.nextAfter(at("2026-12-31T23:59:00Z")))
          .isEqualTo(some("2027-01-01T00:00:00Z"));
    }

    @Test
    void isEvaluatedInTheZone() {
      CronSchedule schedule = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
      // Winter: CET = UTC+1; summer: CEST = UTC+2.
      assertThat(schedule.nextAfter(at("2026-01-15T12:00:00Z")))
          .isEqualTo(some("2026-01-16T01:30:00Z"));
      assertThat(schedule.nextAfter(at("2026-07-15T12:00:00Z")))
          .isEqualTo(some("2026-07-16T00:30:00Z"));
      // 01:00 UTC on 2026-07-16 is 03:00 local, after today's 02:30.
      assertThat(schedule.nextAfter(at("2026-07-16T01:00:00Z")))
          .isEqualTo(some("2026-07-17T00:30:00Z"));

      CronSchedule newYork = CronSchedule.parse("0 9 * * MON", "America/New_York");
      assertThat(newYork.nextAfter(at("2026-01-15T12:00:00Z")))
          .isEqualTo(some("2026-01-19T14:00:00Z"));
      assertThat(newYork.nextAfter(at("2026-07-15T12:00:00Z")))
          .isEqualTo(some("2026-07-20T13:00:00Z"));
    }

    @Test
    void dayBoundaryIsTheLocalOne() {
      // Midnight in Kolkata (UTC+05:30) is 18:30 UTC the day before.
      CronSchedule schedule = CronSchedule.parse("@daily", "Asia/Kolkata");
      assertThat(schedule.nextAfter(at("2026-01-15T12:00:00Z")))
          .isEqualTo(some("2026-01-15T18:30:00Z"));
    }
  }

  @Nested
  class LatestAtOrBefore {

    @Test
    void includesAnExactMatch() {
      CronSchedule schedule = CronSchedule.parse("30 2 * * *", null);
      assertThat(schedule.latestAtOrBefore(at("2026-01-15T02:30:00Z")))
          .isEqualTo(some("2026-01-15T02:30:00Z"));
      assertThat(schedule.latestAtOrBefore(at("2026-01-15T02:30:00.000000001Z")))
          .isEqualTo(some("2026-01-15T02:30:00Z"));
      assertThat(schedule.latestAtOrBefore(at("2026-01-15T02:30:59Z")))
          .isEqualTo(some("2026-01-15T02:30:00Z"));
      assertThat(schedule.latestAtOrBefore(at("2026-01-15T02:29:59.999999999Z")))
          .isEqualTo(some("2026-01-14T02:30:00Z"));
    }

    @Test
    void isEvaluatedInTheZone() {
      CronSchedule schedule = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
      assertThat(schedule.latestAtOrBefore(at("2026-01-16T01:30:00Z")))
          .isEqualTo(some("2026-01-16T01:30:00Z"));
      assertThat(schedule.latestAtOrBefore(at("2026-01-16T01:29:00Z")))
          .isEqualTo(some("2026-01-15T01:30:00Z"));
      assertThat(schedule.latestAtOrBefore(at("2026-07-16T12:00:00Z")))
          .isEqualTo(some("2026-07-16T00:30:00Z"));
    }

    @Test
    void everyMinuteWithEquality() {
      CronSchedule schedule = CronSchedule.parse("* * * * *", "America/New_York");
      assertThat(schedule.latestAtOrBefore(at("2026-01-15T10:21:00Z")))
          .isEqualTo(some("2026-01-15T10:21:00Z"));
      assertThat(schedule.latestAtOrBefore(at("2026-01-15T10:21:59Z")))
          .isEqualTo(some("2026-01-15T10:21:00Z"));
    }
  }

  /**
   * Europe/Berlin: 2026-03-29 02:00 CET jumps to 03:00 CEST (01:00 UTC); 2026-10-25 03:00 CEST goes
   * back to 02:00 CET (01:00 UTC), so 02:00-02:59 happens twice. America/New_York: 2026-03-08 02:00
   * EST jumps to 03:00 EDT; 2026-11-01 02:00 EDT goes back to 01:00 EST.
   */
  @Nested
  class DaylightSaving {

    @Test
    void springForwardSkipsANonexistentDailyTime() {
      CronSchedule schedule = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
      assertThat(runs(schedule, at("2026-03-27T00:00:00Z"), at("2026-03-31T00:00:00Z")))
          .containsExactly(
              at("2026-03-27T01:30:00Z"), // 02:30 CET
              at("2026-03-28T01:30:00Z"), // 02:30 CET
              // 2026-03-29: 02:30 does not exist, no run
              at("2026-03-30T00:30:00Z")); // 02:30 CEST
      assertThat(runsOnLocalDay(schedule, "2026-03-29")).isEmpty();
      assertThat(schedule.nextAfter(at("2026-03-28T01:30:00Z")))
          .isEqualTo(some("2026-03-30T00:30:00Z"));
      assertThat(schedule.latestAtOrBefore(at("2026-03-29T12:00:00Z")))
          .isEqualTo(some("2026-03-28T01:30:00Z"));
    }

    @Test
    void springForwardHourlyHas23RunsOneRealHourApart() {
      CronSchedule schedule = CronSchedule.parse("0 * * * *", "Europe/Berlin");
      List<Instant> day = runsOnLocalDay(schedule, "2026-03-29");
      assertThat(day).hasSize(23);
      assertThat(inZone(day, BERLIN))
          .contains("2026-03-29T01:00+01:00", "2026-03-29T03:00+02:00")
          .noneMatch(s -> s.startsWith("2026-03-29T02:"));
      assertRegular(day, Duration.ofHours(1));
      assertThat(schedule.nextAfter(local("2026-03-29T01:00", BERLIN)))
          .isEqualTo(some("2026-03-29T01:00:00Z")); // 03:00 CEST
    }

    @Test
    void fallBackRunsADailyTimeOnceAtItsFirstOccurrence() {
      CronSchedule schedule = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
      assertThat(runs(schedule, at("2026-10-24T00:00:00Z"), at("2026-10-27T00:00:00Z")))
          .containsExactly(
              at("2026-10-24T00:30:00Z"), // 02:30 CEST
              at("2026-10-25T00:30:00Z"), // 02:30 CEST, first of two 02:30s
              at("2026-10-26T01:30:00Z")); // 02:30 CET
      assertThat(runsOnLocalDay(schedule, "2026-10-25"))
          .containsExactly(at("2026-10-25T00:30:00Z"));
      // From anywhere between the two 02:30s, or in the repeated hour, the next run is tomorrow.
      for (String t :
          new String[] {
            "2026-10-25T00:30:00Z", "2026-10-25T00:45:00Z", "2026-10-25T01:00:00Z",
            "2026-10-25T01:29:00Z", "2026-10-25T01:30:00Z", "2026-10-25T01:31:00Z"
          }) {
        assertThat(schedule.nextAfter(at(t))).as(t).isEqualTo(some("2026-10-26T01:30:00Z"));
      }
      // ... and the latest run is the first 02:30, also after the second 02:30 has passed.
      for (String t :
          new String[] {"2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T12:00:00Z"}) {
        assertThat(schedule.latestAtOrBefore(at(t))).as(t).isEqualTo(some("2026-10-25T00:30:00Z"));
      }
    }

    @Test
    void fallBackRunsEachFixedHourTimeOnce() {
      CronSchedule schedule = CronSchedule.parse("0,30 2 * * *", "Europe/Berlin");
      assertThat(inZone(runsOnLocalDay(schedule, "2026-10-25"), BERLIN))
          .containsExactly("2026-10-25T02:00+02:00", "2026-10-25T02:30+02:00");
      CronSchedule everyTwoHours = CronSchedule.parse("0 */2 * * *", "Europe/Berlin");
      assertThat(inZone(runsOnLocalDay(everyTwoHours, "2026-10-25"), BERLIN))
          .hasSize(12)
          .containsSubsequence("2026-10-25T02:00+02:00", "2026-10-25T04:00+01:00")
          .doesNotContain("2026-10-25T02:00+01:00");
    }

    @Test
    void fallBackHourlyHas25RunsOneRealHourApart() {
      CronSchedule schedule = CronSchedule.parse("0 * * * *", "Europe/Berlin");
      List<Instant> day = runsOnLocalDay(schedule, "2026-10-25");
      assertThat(day).hasSize(25).doesNotHaveDuplicates();
      assertThat(inZone(day, BERLIN))
          .containsSubsequence(
              "2026-10-25T01:00+02:00",
              "2026-10-25T02:00+02:00",
              "2026-10-25T02:00+01:00",
              "2026-10-25T03:00+01:00");
      assertRegular(day, Duration.ofHours(1));
      assertThat(schedule.nextAfter(at("2026-10-25T00:00:00Z")))
          .isEqualTo(some("2026-10-25T01:00:00Z")); // 02:00 CEST -> 02:00 CET
      assertThat(schedule.latestAtOrBefore(at("2026-10-25T01:59:00Z")))
          .isEqualTo(some("2026-10-25T01:00:00Z")); // 02:59 CET -> 02:00 CET
      assertThat(schedule.latestAtOrBefore(at("2026-10-25T00:59:00Z")))
          .isEqualTo(some("2026-10-25T00:00:00Z")); // 02:59 CEST -> 02:00 CEST
    }

    @Test
    void fallBackEveryQuarterHourRunsThroughTheRepeatedHour() {
      CronSchedule schedule = CronSchedule.parse("*/15 * * * *", "Europe/Berlin");
      List<Instant> day = runsOnLocalDay(schedule, "2026-10-25");
      assertThat(day).hasSize(25 * 4).doesNotHaveDuplicates();
      assertRegular(day, Duration.ofMinutes(15));
      // Between the two 02:45s: next is 02:00 CET.
      assertThat(schedule.nextAfter(at("2026-10-25T00:50:00Z")))
          .isEqualTo(some("2026-10-25T01:00:00Z"));
    }

    @Test
    void newYorkSpringForwardAndFallBack() {
      CronSchedule daily = CronSchedule.parse("30 2 * * *", "America/New_York");
      assertThat(runs(daily, at("2026-03-07T00:00:00Z"), at("2026-03-10T00:00:00Z")))
          .containsExactly(
              at("2026-03-07T07:30:00Z"), // 02:30 EST
              at("2026-03-09T06:30:00Z")); // 02:30 EDT, none on 03-08

      CronSchedule oneThirty = CronSchedule.parse("30 1 * * *", "America/New_York");
      List<Instant> oneThirtyRuns =
          runs(oneThirty, at("2026-10-31T12:00:00Z"), at("2026-11-03T00:00:00Z"));
      assertThat(inZone(oneThirtyRuns, NEW_YORK))
          .containsExactly("2026-11-01T01:30-04:00", "2026-11-02T01:30-05:00");

      CronSchedule hourly = CronSchedule.parse("@hourly", "America/New_York");
      List<Instant> fallBack = runsOnLocalDay(hourly, "2026-11-01");
      assertThat(fallBack).hasSize(25).doesNotHaveDuplicates();
      assertRegular(fallBack, Duration.ofHours(1));
      assertThat(inZone(fallBack, NEW_YORK))
          .containsSubsequence("2026-11-01T01:00-04:00", "2026-11-01T01:00-05:00");
      List<Instant> springForward = runsOnLocalDay(hourly, "2026-03-08");
      assertThat(springForward).hasSize(23);
      assertRegular(springForward, Duration.ofHours(1));
    }

    @Test
    void halfHourShiftInLordHowe() {
      // Australia/Lord_Howe goes from +11:00 to +10:30 on 2026-04-05 at 02:00: 01:30-01:59 repeats.
      CronSchedule daily = CronSchedule.parse("45 1 * * *", "Australia/Lord_Howe");
      assertThat(runsOnLocalDay(daily, "2026-04-05")).hasSize(1);
      CronSchedule quarterHourly = CronSchedule.parse("*/15 * * * *", "Australia/Lord_Howe");
      List<Instant> day = runsOnLocalDay(quarterHourly, "2026-04-05");
      assertThat(day).hasSize(24 * 4 + 2).doesNotHaveDuplicates();
      assertRegular(day, Duration.ofMinutes(15));
    }

    /**
     * nextAfter, latestAtOrBefore and a brute-force definition agree around each DST change: no
     * instant is produced twice, nothing is skipped, and equality is handled.
     */
    @ParameterizedTest
    @CsvSource({
      "30 2 * * *,        Europe/Berlin",
      "0 * * * *,         Europe/Berlin",
      "*/20 1-3 * * *,    Europe/Berlin",
      "'0,30 2 * * *',    Europe/Berlin",
      "15 */2 * * *,      Europe/Berlin",
      "30 1 * * *,        America/New_York",
      "*/30 * * * *,      America/New_York",
      "0 2 * * SUN,       America/New_York",
      "'10,40 * * * *',   Australia/Lord_Howe",
      "50 1 * * *,        Australia/Lord_Howe",
      "0 0 * * *,         America/Santiago",
    })
    void allMethodsAgreeAroundTransitions(String expression, String zone) {
      CronSchedule schedule = CronSchedule.parse(expression, zone);
      ZoneId zoneId = schedule.zone();
      int transitions = 0;
      ZoneRules rules = zoneId.getRules();
      for (ZoneOffsetTransition transition = rules.nextTransition(at("2026-01-01T00:00:00Z"));
          transition.getInstant().isBefore(at("2027-01-01T00:00:00Z"));
          transition = rules.nextTransition(transition.getInstant())) {
        transitions++;
        Instant from = transition.getInstant().minus(Duration.ofHours(30));
        Instant to = transition.getInstant().plus(Duration.ofHours(30));
        List<Instant> expected = bruteForce(schedule, expression, from, to);
        List<Instant> actual = runs(schedule, from, to);
        assertThat(actual).as("%s around %s", expression, transition).isEqualTo(expected);
        assertThat(new HashSet<>(actual)).hasSameSizeAs(actual);
        Instant previous = schedule.latestAtOrBefore(from).orElseThrow();
        for (Instant run : actual) {
          assertThat(schedule.latestAtOrBefore(run)).isEqualTo(Optional.of(run));
          assertThat(schedule.latestAtOrBefore(run.minusNanos(1))).isEqualTo(Optional.of(previous));
          Instant middle = previous.plus(Duration.between(previous, run).dividedBy(2));
          assertThat(schedule.nextAfter(middle)).isEqualTo(Optional.of(run));
          assertThat(schedule.latestAtOrBefore(middle)).isEqualTo(Optional.of(previous));
          assertThat(schedule.nextAfter(run.minusNanos(1))).isEqualTo(Optional.of(run));
          previous = run;
        }
      }
      assertThat(transitions).as("DST changes in 2026").isEqualTo(2);
    }

    /**
     * The documented rule, evaluated minute by minute: a minute fires if its local time matches and
     * it is the first occurrence of that local time, or the hour field is every hour.
     */
    private List<Instant> bruteForce(
        CronSchedule schedule, String expression, Instant from, Instant to) {
      ExecutionTime wallClock =
          ExecutionTime.forCron(
              new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX))
                  .parse(expression));
      boolean everyHour = expression.split("\\s+")[1].equals("*");
      ZoneId zone = schedule.zone();
      List<Instant> result = new ArrayList<>();
      for (Instant t = from.plusSeconds(60); !t.isAfter(to); t = t.plusSeconds(60)) {
        ZonedDateTime zoned = t.atZone(zone);
        LocalDateTime wall = zoned.toLocalDateTime();
        boolean matches = wallClock.isMatch(wall.atZone(ZoneOffset.UTC));
        boolean firstOccurrence = zoned.withEarlierOffsetAtOverlap().toInstant().equals(t);
        if (matches && (firstOccurrence || everyHour)) {
          result.add(t);
        }
      }
      return result;
    }

    private void assertRegular(List<Instant> instants, Duration step) {
      for (int i = 1; i < instants.size(); i++) {
        assertThat(Duration.between(instants.get(i - 1), instants.get(i)))
            .as("gap before %s", instants.get(i))
            .isEqualTo(step);
      }
    }
  }

  @Nested
  class Decide {

    private final CronSchedule hourly = CronSchedule.parse("0 * * * *", null);

    private Decision decide(String lastScheduled, String created, String now, Long deadline) {
      return hourly.decide(
          lastScheduled == null ? null : at(lastScheduled), at(created), at(now), deadline);
    }

    private static final Decision NOTHING = new Decision(Optional.empty(), Optional.empty());

    @Test
    void firstRunIsTheFirstScheduledTimeAfterCreation() {
      Decision decision = decide(null, "2026-01-15T10:00:30Z", "2026-01-15T11:00:05Z", null);
      assertThat(decision.runFor()).isEqualTo(some("2026-01-15T11:00:00Z"));
      assertThat(decision.missed()).isEmpty();
    }

    @Test
    void doesNotRunForTimesBeforeCreation() {
      Decision decision = decide(null, "2026-01-15T10:30:00Z", "2026-01-15T10:45:00Z", null);
      assertThat(decision.runFor()).isEmpty();
      assertThat(decision.missed()).isEmpty();
    }

    @Test
    void doesNotRunForTheCreationInstantItself() {
      Instant created = at("2026-01-15T10:00:00Z");
      Decision decision = hourly.decide(null, created, created, null);
      assertThat(decision).isEqualTo(NOTHING);
    }

    @Test
    void runsExactlyAtTheScheduledTime() {
      Decision decision =
          decide("2026-01-15T11:00:00Z", "2026-01-01T00:00:00Z", "2026-01-15T12:00:00Z", 0L);
      assertThat(decision.runFor()).isEqualTo(some("2026-01-15T12:00:00Z"));
    }

    @Test
    void nothingToDoBetweenRuns() {
      Decision decision =
          decide("2026-01-15T11:00:00Z", "2026-01-01T00:00:00Z", "2026-01-15T11:59:59Z", null);
      assertThat(decision.runFor()).isEmpty();
      assertThat(decision.missed()).isEmpty();
    }

    @Test
    void lastScheduledIsTheBaselineWhenSet() {
      Decision decision =
          decide("2026-01-15T11:00:00Z", "2026-01-15T11:30:00Z", "2026-01-15T11:45:00Z", null);
      assertThat(decision.runFor()).isEmpty();
      Decision afterRestoredStatus =
          decide("2026-01-15T09:00:00Z", "2026-01-15T11:30:00Z", "2026-01-15T11:45:00Z", null);
      assertThat(afterRestoredStatus.runFor()).isEqualTo(some("2026-01-15T11:00:00Z"));
    }

    @Test
    void manyMissedTimesGiveOneRunForTheLatest() {
      Decision decision =
          decide("2026-01-15T01:00:00Z", "2026-01-01T00:00:00Z", "2026-01-15T05:30:00Z", null);
      assertThat(decision.runFor()).isEqualTo(some("2026-01-15T05:00:00Z"));
      assertThat(decision.missed()).isEmpty();
    }

    @Test
    void runsWithinTheStartingDeadline() {
      Decision decision =
          decide("2026-01-15T04:00:00Z", "2026-01-01T00:00:00Z", "2026-01-15T05:02:00Z", 300L);
      assertThat(decision.runFor()).isEqualTo(some("2026-01-15T05:00:00Z"));
      assertThat(decision.missed()).isEmpty();
    }

    @Test
    void reportsMissedBeyondTheStartingDeadline() {
      Decision decision =
          decide("2026-01-15T01:00:00Z", "2026-01-01T00:00:00Z", "2026-01-15T05:02:00Z", 60L);
      assertThat(decision.runFor()).isEmpty();
      assertThat(decision.missed()).isEqualTo(some("2026-01-15T05:00:00Z"));
    }

    @Test
    void deadlineBoundaryIsInclusive() {
      Instant last = at("2026-01-15T04:00:00Z");
      Instant created = at("2026-01-01T00:00:00Z");
      assertThat(hourly.decide(last, created, at("2026-01-15T05:01:00Z"), 60L).runFor())
          .isEqualTo(some("2026-01-15T05:00:00Z"));
      assertThat(hourly.decide(last, created, at("2026-01-15T05:01:00.000000001Z"), 60L).missed())
          .isEqualTo(some("2026-01-15T05:00:00Z"));
      assertThat(hourly.decide(last, created, at("2026-01-15T05:00:00Z"), 0L).runFor())
          .isEqualTo(some("2026-01-15T05:00:00Z"));
      assertThat(hourly.decide(last, created, at("2026-01-15T05:00:01Z"), 0L).missed())
          .isEqualTo(some("2026-01-15T05:00:00Z"));
    }

    @Test
    void afterAMissTheNextTimeRunsNormally() {
      Instant created = at("2026-01-01T00:00:00Z");
      Decision missed = hourly.decide(null, created, at("2026-01-15T05:30:00Z"), 60L);
      Instant handled = missed.missed().orElseThrow();
      assertThat(hourly.decide(handled, created, at("2026-01-15T05:31:00Z"), 60L))
          .isEqualTo(NOTHING);
      assertThat(hourly.decide(handled, created, at("2026-01-15T06:00:10Z"), 60L).runFor())
          .isEqualTo(some("2026-01-15T06:00:00Z"));
    }

    @Test
    void dailyInAZoneRunsOnceOnTheFallBackDay() {
      CronSchedule daily = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
      Instant created = at("2026-10-01T00:00:00Z");
      // Reconcile every 10 minutes through the night, recording what runs.
      Instant lastScheduled = at("2026-10-24T00:30:00Z");
      List<Instant> started = new ArrayList<>();
      for (Instant now = at("2026-10-24T22:00:00Z");
          now.isBefore(at("2026-10-25T06:00:00Z"));
          now = now.plus(Duration.ofMinutes(10))) {
        Decision decision = daily.decide(lastScheduled, created, now, 600L);
        assertThat(decision.missed()).isEmpty();
        if (decision.runFor().isPresent()) {
          started.add(decision.runFor().get());
          lastScheduled = decision.runFor().get();
        }
      }
      assertThat(started).containsExactly(at("2026-10-25T00:30:00Z"));
    }

    @Test
    void requiresCreatedAndNow() {
      Instant now = at("2026-06-01T00:00:00Z");
      assertThatThrownBy(() -> hourly.decide(now, null, now, null))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> hourly.decide(null, now, null, null))
          .isInstanceOf(NullPointerException.class);
    }
  }
}
