package dev.registryoperator.sandbox;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds. */
final class Wait {
  private Wait() {}

  /**
   * Waits until {@code condition} holds (exceptions count as "not yet"); fails after {@code
   * timeout}.
   */
  static void until(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        IllegalStateException timedOut =
            new IllegalStateException("timed out after " + timeout + " waiting for " + what);
        if (last != null) {
          timedOut.addSuppressed(last);
        }
        throw timedOut;
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }
}
