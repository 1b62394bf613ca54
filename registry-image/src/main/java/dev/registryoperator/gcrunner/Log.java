package dev.registryoperator.gcrunner;

import java.io.PrintStream;
import java.util.Locale;

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
    out.println(String.format(Locale.ROOT, "gc-runner [%6.2fs] ", elapsed) + redactor.redact(text));
    out.flush();
  }

  public void warn(String text) {
    info("WARNING: " + text);
  }

  static String seconds(double seconds) {
    return String.format(Locale.ROOT, "%.2f s", seconds);
  }
}
