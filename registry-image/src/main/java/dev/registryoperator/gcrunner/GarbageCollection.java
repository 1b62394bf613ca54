package dev.registryoperator.gcrunner;

import dev.registryoperator.gcreport.GcOutcome;
import dev.registryoperator.gcreport.GcReport;
import dev.registryoperator.gcreport.IntegrityResult;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * One run, step by step: preflight ({@code garbage-collect --dry-run}) while the storage's tags are
 * read, blob sizes, safety check, the real {@code garbage-collect}, accounting, integrity check.
 * Fills the report and returns the outcome.
 */
final class GarbageCollection {
  /** How an empty storage (nothing pushed yet) makes {@code garbage-collect} fail. */
  private static final Pattern EMPTY_STORAGE =
      Pattern.compile("Path not found: \\S*/docker/registry/v2/(repositories|blobs)(\\s|$)");

  private final CliOptions options;
  private final RegistryConfig config;
  private final RegistryBinary registry;
  private final Log log;
  private final GcReport report;
  private final Parallel parallel;
  private final StorageReader storage;

  /** The tagged images as read before the real run, when the safety check needed them. */
  private volatile ImageGraph graph;

  GarbageCollection(
      CliOptions options,
      RegistryConfig config,
      RegistryBinary registry,
      Log log,
      GcReport report,
      Parallel parallel) {
    this.options = options;
    this.config = config;
    this.registry = registry;
    this.log = log;
    this.report = report;
    this.parallel = parallel;
    this.storage =
        config.isFilesystem() ? new StorageReader(new StorageLayout(config.rootDirectory())) : null;
  }

  GcOutcome run() throws IOException, InterruptedException {
    boolean filesystem = config.isFilesystem();
    report.storageDriver = config.storageDriver();
    report.counters.setBytesMeasured(filesystem);

    // The version query runs alongside the preflight. With --delete-untagged the safety check may
    // need the
    // storage's tagged images, so they are read meanwhile too; otherwise that waits for the real
    // run (it
    // would only compete with the preflight for the CPU).
    Future<RegistryVersion> versionQuery = parallel.executor().submit(registry::version);
    GcOutputParser preflightParser = new GcOutputParser(!filesystem && options.deleteUntagged());
    RegistryBinary.Result preflight =
        runGarbageCollect(
            true,
            preflightParser,
            filesystem && options.deleteUntagged() ? () -> graph = readGraph() : null);
    RegistryVersion version;
    try {
      version = await(versionQuery);
    } catch (RegistryBinary.HungException e) {
      return done(GcOutcome.GarbageCollectFailed, e.getMessage());
    }
    report.registryVersion = version.display();
    log.info("registry " + version.display() + " (" + registry.binary() + ")");
    if (preflight.exitCode() != 0) {
      return preflightFailed(preflight);
    }
    GcOutput planned = preflightParser.result();
    if (!planned.summarySeen()) {
      return done(
          GcOutcome.GarbageCollectFailed,
          "garbage-collect --dry-run printed no summary line; its output was not"
              + " understood ("
              + planned.unrecognizedLines()
              + " unrecognised lines)");
    }
    report.counters.setBlobsMarked(planned.blobsMarked());
    report.counters.setBlobsEligible(planned.blobsEligibleCount());
    report.counters.setManifestsEligible(planned.manifestsEligibleCount());
    if (planned.eligibleBlobs().size() != planned.blobsEligibleCount()) {
      log.warn(
          "preflight summary says "
              + planned.blobsEligibleCount()
              + " eligible blobs but lists "
              + planned.eligibleBlobs().size());
    }
    long[] sizes =
        filesystem ? new BlobFiles(storage.layout(), parallel).stat(planned.eligibleBlobs()) : null;
    report.counters.setEligibleBytes(filesystem ? sumSizes(sizes) : 0);
    log.info(
        "preflight (garbage-collect --dry-run"
            + (options.deleteUntagged() ? " --delete-untagged" : "")
            + "): "
            + planned.blobsMarked()
            + " blobs marked; "
            + planned.blobsEligibleCount()
            + " blobs"
            + (filesystem ? " (" + report.counters.getEligibleBytes() + " bytes)" : "")
            + " and "
            + planned.manifestsEligibleCount()
            + " manifests eligible for deletion ["
            + Log.seconds(preflight.seconds())
            + "]");

    GcOutcome refused = safetyCheck(version, planned);
    if (refused != null) {
      return refused;
    }

    if (options.dryRun()) {
      return done(
          GcOutcome.Succeeded,
          "dry run: a real run would delete "
              + planned.blobsEligibleCount()
              + " blobs"
              + (filesystem ? " (" + report.counters.getEligibleBytes() + " bytes)" : "")
              + " and "
              + planned.manifestsEligibleCount()
              + " manifests; nothing was deleted");
    }

    // The real run prints what the preflight did: its stdout is not needed. While the registry
    // collects
    // (mostly on one core), the tagged images are read for the integrity check.
    RegistryBinary.Result real =
        runGarbageCollect(false, null, filesystem && graph == null ? this::warmUpGraph : null);
    log.info(
        "garbage-collect"
            + (options.deleteUntagged() ? " --delete-untagged" : "")
            + ": exit "
            + real.exitCode()
            + " ["
            + Log.seconds(real.seconds())
            + "]");

    if (!filesystem) {
      return remoteStorageResult(real);
    }
    Accounting accounting =
        Accounting.measure(
            storage.layout(),
            parallel,
            planned.eligibleBlobs(),
            sizes,
            planned.eligibleManifests());
    report.counters.setBlobsDeleted(accounting.blobsDeleted());
    report.counters.setReclaimedBytes(accounting.reclaimedBytes());
    report.counters.setManifestsDeleted(accounting.manifestsDeleted());
    log.info(
        "reclaimed "
            + accounting.reclaimedBytes()
            + " bytes: "
            + accounting.blobsDeleted()
            + " blobs and "
            + accounting.manifestsDeleted()
            + " manifests deleted");
    String deleted =
        "deleted "
            + report.counters.getBlobsDeleted()
            + " blobs and "
            + report.counters.getManifestsDeleted()
            + " manifests, reclaimed "
            + report.counters.getReclaimedBytes()
            + " bytes";

    long started = System.nanoTime();
    IntegrityResult integrity;
    try {
      integrity = new IntegrityCheck(storage.layout(), parallel).check(readGraph());
    } catch (IOException e) {
      return done(
          GcOutcome.GarbageCollectFailed,
          "the integrity check could not read the storage: "
              + e
              + " ("
              + deleted
              + "; garbage-collect exit "
              + real.exitCode()
              + ")");
    }
    report.integrity = integrity;
    log.info(
        "integrity: "
            + integrity.manifests()
            + " manifest and "
            + integrity.blobs()
            + " blob references of tagged images checked, "
            + integrity.missing()
            + " missing ["
            + Log.seconds((System.nanoTime() - started) / 1e9)
            + "]");

    if (!integrity.intact()) {
      return done(
          GcOutcome.IntegrityCheckFailed,
          "integrity check failed after garbage-collect: "
              + integrity.missing()
              + " referenced manifest(s) or blob(s) missing, first "
              + String.join(", ", integrity.missingDigests())
              + " ("
              + deleted
              + ")");
    }
    if (real.exitCode() != 0) {
      return done(
          GcOutcome.GarbageCollectFailed,
          "garbage-collect failed (exit "
              + real.exitCode()
              + "): "
              + real.error()
              + " ("
              + deleted
              + " before failing; integrity verified)");
    }
    return done(
        GcOutcome.Succeeded,
        deleted
            + "; integrity verified ("
            + integrity.manifests()
            + " manifests, "
            + integrity.blobs()
            + " blobs)");
  }

  /** A concurrent step, run while garbage-collect runs. */
  private interface Step {
    void run() throws IOException;
  }

  private RegistryBinary.Result runGarbageCollect(
      boolean dryRun, GcOutputParser parser, Step meanwhile)
      throws IOException, InterruptedException {
    RegistryBinary.Run run =
        registry.startGarbageCollect(
            dryRun, options.deleteUntagged(), parser == null ? null : parser::accept);
    Future<?> concurrent =
        meanwhile == null
            ? null
            : parallel
                .executor()
                .submit(
                    () -> {
                      meanwhile.run();
                      return null;
                    });
    RegistryBinary.Result result = run.await();
    if (concurrent != null) {
      await(concurrent);
    }
    return result;
  }

  /**
   * Reads the tagged images into the manifest cache; failures show again in the later, real read.
   */
  private void warmUpGraph() {
    try {
      readGraph();
    } catch (IOException | RuntimeException e) {
      // The integrity check reads again and reports.
    }
  }

  private ImageGraph readGraph() throws IOException {
    return ImageGraph.read(storage, parallel);
  }

  private GcOutcome preflightFailed(RegistryBinary.Result preflight) throws IOException {
    String error = preflight.error();
    if (EMPTY_STORAGE.matcher(error).find() && storageLooksEmpty()) {
      report.integrity =
          !options.dryRun() && config.isFilesystem()
              ? IntegrityResult.EMPTY
              : IntegrityResult.NOT_CHECKED;
      return done(
          GcOutcome.Succeeded, "storage is empty (no repositories yet): nothing to collect");
    }
    if (error.startsWith(RegistryBinary.CONFIG_ERROR)) {
      return done(GcOutcome.ConfigurationError, "the registry rejected its config: " + error);
    }
    return done(
        GcOutcome.GarbageCollectFailed,
        "preflight garbage-collect --dry-run failed (exit "
            + preflight.exitCode()
            + "): "
            + (error.isEmpty() ? "no error message" : error));
  }

  /**
   * On a filesystem, double-checks the registry's "Path not found": no repository has any manifest.
   */
  private boolean storageLooksEmpty() throws IOException {
    if (!config.isFilesystem()) {
      return true;
    }
    return !Files.isDirectory(storage.layout().repositories())
        || storage.repositories().isEmpty()
        || !Files.isDirectory(storage.layout().blobs());
  }

  /**
   * Registries before 3.0 delete the children of tagged indexes with --delete-untagged: refuse
   * that.
   */
  private GcOutcome safetyCheck(RegistryVersion version, GcOutput planned) {
    if (!options.deleteUntagged()) {
      return null;
    }
    if (!version.hasMultiArchDeletionBug()) {
      log.info(
          "safety check: registry " + version.display() + " keeps the children of tagged indexes");
      return null;
    }
    Map<String, Map<String, Set<String>>> protectedChildren =
        graph != null ? graph.protectedChildren() : planned.markedReferences();
    List<SafetyCheck.Conflict> conflicts =
        SafetyCheck.conflicts(planned.eligibleManifests(), protectedChildren);
    if (conflicts.isEmpty()) {
      log.info(
          "safety check: passed, no eligible manifest belongs to a tagged index or manifest list");
      return null;
    }
    return done(GcOutcome.PreflightRefused, SafetyCheck.refusal(conflicts, version));
  }

  /** Without direct access to the storage, the counts come from garbage-collect's own output. */
  private GcOutcome remoteStorageResult(RegistryBinary.Result real) {
    if (real.exitCode() != 0) {
      return done(
          GcOutcome.GarbageCollectFailed,
          "garbage-collect failed (exit "
              + real.exitCode()
              + "): "
              + real.error()
              + " ("
              + config.storageDriver()
              + " storage: what was deleted before the failure is unknown)");
    }
    report.counters.setBlobsDeleted(report.counters.getBlobsEligible());
    report.counters.setManifestsDeleted(report.counters.getManifestsEligible());
    return done(
        GcOutcome.Succeeded,
        "deleted "
            + report.counters.getBlobsDeleted()
            + " blobs and "
            + report.counters.getManifestsDeleted()
            + " manifests ("
            + config.storageDriver()
            + " storage: bytes not measured, integrity not checked)");
  }

  private static long sumSizes(long[] sizes) {
    long sum = 0;
    for (long size : sizes) {
      if (size > 0) {
        sum += size;
      }
    }
    return sum;
  }

  private static <T> T await(Future<T> future) throws IOException, InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(e.getCause());
    }
  }

  private GcOutcome done(GcOutcome outcome, String message) {
    report.outcome(outcome, message);
    return outcome;
  }
}
