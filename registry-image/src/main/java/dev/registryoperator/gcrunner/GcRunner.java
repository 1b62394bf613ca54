package dev.registryoperator.gcrunner;

import dev.registryoperator.gcreport.GcOutcome;
import dev.registryoperator.gcreport.GcReport;
import dev.registryoperator.gcreport.retention.RetentionRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The command: parses the options, runs one {@link GarbageCollection}, writes the report, returns
 * the exit code.
 */
public final class GcRunner {
  private final PrintStream out;
  private final Map<String, String> env;
  private final Log log;
  private final Duration versionTimeout;
  private final AtomicBoolean reportWritten = new AtomicBoolean();
  private volatile GcReport report = new GcReport();
  private volatile Path reportPath = Path.of(CliOptions.DEFAULT_REPORT);
  private volatile long started = System.nanoTime();

  public GcRunner(PrintStream out, Map<String, String> env) {
    this(out, env, RegistryBinary.VERSION_TIMEOUT);
  }

  /** With a shorter wait for {@code registry --version}: for tests of a hung binary. */
  GcRunner(PrintStream out, Map<String, String> env, Duration versionTimeout) {
    this.versionTimeout = versionTimeout;
    this.out = out;
    this.env = env;
    this.log = new Log(out);
  }

  public int run(String[] args) {
    started = System.nanoTime();
    report = new GcReport();
    reportWritten.set(false);
    reportPath = CliOptions.reportPathOf(args);
    GcOutcome outcome;
    try {
      CliOptions options = CliOptions.parse(args, env);
      if (options.help()) {
        out.print(CliOptions.USAGE);
        out.flush();
        return 0;
      }
      outcome = collect(options);
    } catch (UsageException e) {
      report.outcome(GcOutcome.ConfigurationError, e.getMessage());
      outcome = GcOutcome.ConfigurationError;
      if (e.getMessage() != null && e.getMessage().contains("--")) {
        out.print(CliOptions.USAGE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = GcOutcome.GarbageCollectFailed;
      report.outcome(outcome, "interrupted");
    } catch (Throwable e) {
      // Anything at all (an Error too): the operator reads only the report, so it must say what
      // happened.
      outcome = GcOutcome.GarbageCollectFailed;
      report.outcome(outcome, "unexpected error: " + e);
    }
    finish();
    return outcome.exitCode();
  }

  private GcOutcome collect(CliOptions options)
      throws UsageException, IOException, InterruptedException {
    report.dryRun = options.dryRun();
    report.deleteUntagged = options.deleteUntagged();
    RetentionRequest retention =
        options.retention() == null ? null : RetentionStep.load(options.retention());
    String configText = RegistryConfig.read(options.config());
    RegistryBinary registry =
        new RegistryBinary(
            RegistryBinary.resolve(options.registryBinary(), env),
            options.config(),
            versionTimeout);
    try (Parallel parallel = new Parallel()) {
      // The version query, and a real run's first step (a snapshot of the blobs, which needs only
      // the storage root), start while the YAML is parsed.
      EarlyStart early =
          EarlyStart.begin(
              registry,
              options.dryRun()
                  ? Optional.empty()
                  : RegistryConfig.filesystemRootHint(configText, env),
              parallel);
      RegistryConfig config = RegistryConfig.parse(configText, env, options.config().toString());
      log.redactor(new Redactor(config.secrets()));
      report.storageDriver = config.storageDriver();
      log.info(
          "config "
              + options.config()
              + ": storage "
              + config.storageDriver()
              + (config.isFilesystem() ? " at " + config.rootDirectory() : "")
              + (options.dryRun() ? ", dry run" : "")
              + (options.deleteUntagged() ? ", delete untagged manifests" : "")
              + (retention == null
                  ? ""
                  : options.retentionOnly() ? ", retention only" : ", retention"));
      return new GarbageCollection(
              options,
              config,
              registry,
              early,
              log,
              report,
              parallel,
              retention == null ? null : new RetentionStep(retention, log, report))
          .run();
    }
  }

  /**
   * Writes the report once; also called from a shutdown hook, so that a Job killed at its deadline
   * still says so.
   */
  public void finish() {
    if (!reportWritten.compareAndSet(false, true)) {
      return;
    }
    GcReport current = report;
    current.durationSeconds = (System.nanoTime() - started) / 1e9;
    current.message = log.redactor().redact(current.message);
    String json = current.toJson();
    // The report first: the log goes to a stream that may be what failed.
    boolean written = false;
    try {
      Files.write(
          reportPath,
          json.getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
      written = true;
    } catch (IOException | RuntimeException e) {
      log.warn("could not write the report to " + reportPath + ": " + e);
    }
    log.info(
        current.outcome.result()
            + " (exit "
            + current.outcome.exitCode()
            + ") in "
            + Log.seconds(current.durationSeconds)
            + ": "
            + current.message);
    if (!written) {
      log.info("report: " + json);
    }
  }

  /**
   * For the shutdown hook (SIGTERM, e.g. the Job's deadline): stops a running garbage-collect,
   * writes a report saying so and exits with 3, unless the run had already finished.
   */
  public void terminated() {
    ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
    if (!reportWritten.get()) {
      report.outcome(
          GcOutcome.GarbageCollectFailed,
          "terminated before the run completed (SIGTERM or deadline); "
              + "garbage-collect may have been interrupted");
      finish();
      Runtime.getRuntime().halt(GcOutcome.GarbageCollectFailed.exitCode());
    }
  }
}
