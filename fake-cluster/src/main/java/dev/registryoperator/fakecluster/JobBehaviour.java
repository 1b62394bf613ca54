package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;

/**
 * How a Job's pod behaves in the {@link FakePodRuntime}: asked once per pod start, with the Job as
 * last seen.
 */
@FunctionalInterface
public interface JobBehaviour {

  Run run(Job job);

  /**
   * One pod's run: after {@code runTime} the container exits with {@code exitCode} and writes
   * {@code terminationMessage} (e.g. the GC runner's JSON report). {@code runTime == null} means
   * the cluster's default job run time. {@code hang} means it never exits on its own.
   */
  record Run(int exitCode, String terminationMessage, Duration runTime, boolean hang) {
    public static Run exit(int exitCode, String terminationMessage, Duration runTime) {
      return new Run(exitCode, terminationMessage, runTime, false);
    }

    public static Run hangForever() {
      return new Run(0, null, null, true);
    }
  }

  /** Every pod exits 0 with this message after the default run time. */
  static JobBehaviour succeed(String terminationMessage) {
    return job -> Run.exit(0, terminationMessage, null);
  }

  /** Every pod exits with this code and message after the default run time. */
  static JobBehaviour exit(int exitCode, String terminationMessage) {
    return job -> Run.exit(exitCode, terminationMessage, null);
  }

  /** Every pod runs until it is stopped. */
  static JobBehaviour hang() {
    return job -> Run.hangForever();
  }
}
