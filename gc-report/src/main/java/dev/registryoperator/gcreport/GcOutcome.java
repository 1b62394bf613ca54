package dev.registryoperator.gcreport;

import java.util.Optional;

/**
 * How a GC runner run ended: the process exit code, the report's {@code result} word and the
 * operator's run reason, together. The runner exits with {@link #exitCode()}; the operator reads
 * the reason from {@link #reason(boolean)}. The constant's name is the {@code result} word.
 */
public enum GcOutcome {
  /** Done, and (after a real run on filesystem storage) the integrity check held. */
  Succeeded(0, "Succeeded"),
  /** Bad command line or configuration; the registry rejected its config; no binary. */
  ConfigurationError(2, "ConfigError"),
  /** garbage-collect failed or printed what was not understood; any unexpected error; killed. */
  GarbageCollectFailed(3, "Failed"),
  /** The safety preflight refused: nothing was deleted. */
  PreflightRefused(4, "Refused"),
  /** After the real run a referenced manifest or blob is missing. */
  IntegrityCheckFailed(5, "IntegrityFailed");

  private final int exitCode;
  private final String versionOneResult;

  GcOutcome(int exitCode, String versionOneResult) {
    this.exitCode = exitCode;
    this.versionOneResult = versionOneResult;
  }

  public int exitCode() {
    return exitCode;
  }

  /** The report's {@code result} word. */
  public String result() {
    return name();
  }

  /**
   * The operator's run reason (docs/gc.md): a success is {@code Collected}, or {@code
   * DryRunCompleted} for a dry run; a failure carries this outcome's name.
   */
  public String reason(boolean dryRun) {
    if (this == Succeeded) {
      return dryRun ? "DryRunCompleted" : "Collected";
    }
    return name();
  }

  /** The outcome a runner exits with {@code exitCode}; empty for codes the runner never uses. */
  public static Optional<GcOutcome> ofExitCode(int exitCode) {
    for (GcOutcome outcome : values()) {
      if (outcome.exitCode == exitCode) {
        return Optional.of(outcome);
      }
    }
    return Optional.empty();
  }

  /** The outcome a report's {@code result} names, in this format or in version 1's words. */
  public static Optional<GcOutcome> ofResult(String result) {
    for (GcOutcome outcome : values()) {
      if (outcome.name().equals(result) || outcome.versionOneResult.equals(result)) {
        return Optional.of(outcome);
      }
    }
    return Optional.empty();
  }
}
