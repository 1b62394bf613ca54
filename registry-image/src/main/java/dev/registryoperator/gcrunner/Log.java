package dev.registryoperator.gcrunner;

import java.io.PrintStream;

/** The human-readable log on stdout. Everything goes through the {@link Redactor}. */
public final class Log {
  private final PrintStream out;
  private volatile Redactor redactor = Redactor.none();
  private final long started = System.nanoTime();

  public Log(PrintStream out) {
    this.out = out;
  }

  public void redactor(Redactor redactor) {
    this.redactor = redactor;
  }

  public Redactor redactor() {
    return redactor;
  }

  public void info(String text) {
    double elapsed = (System.nanoTime() - started) / 1e9;
    String time = twoDecimals(elapsed);
    out.println(
        "gc-runner ["
            + " ".repeat(Math.max(0, 6 - time.length()))
            + time
            + "s] "
            + redactor.redact(text));
    out.flush();
  }

  public void warn(String text) {
    info("WARNING: " + text);
  }

  static String seconds(double seconds) {
    return twoDecimals(seconds) + " s";
  }

  /**
   * {@code %.2f} of a non-negative number, without {@link java.util.Formatter} (costly to start).
   */
  static String twoDecimals(double value) {
    long hundredths = Math.round(Math.max(0, value) * 100);
    long fraction = hundredths % 100;
    return hundredths / 100 + (fraction < 10 ? ".0" : ".") + fraction;
  }
}
