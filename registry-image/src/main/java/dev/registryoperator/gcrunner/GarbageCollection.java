package dev.registryoperator.gcrunner;

import dev.registryoperator.gcreport.GcOutcome;
import dev.registryoperator.gcreport.GcReport;
import dev.registryoperator.gcreport.IntegrityResult;
import dev.registryoperator.gcreport.retention.Inventory;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * One run, step by step. A real run on filesystem storage: a snapshot of every blob's size (and,
 * with {@code --delete-untagged} on a registry before 3.0, the safety check read from the storage's
 * tags and manifests), the real {@code garbage-collect} with its output parsed, accounting against
 * the snapshot, integrity check. A dry run, and the safety check on storage the runner cannot read,
 * use {@code garbage-collect --dry-run}. Fills the report and returns the outcome.
 */
final class GarbageCollection {
  /** How an empty storage (nothing pushed yet) makes {@code garbage-collect} fail. */
  /** S3 requests at once while the integrity check reads tags and manifests from a bucket. */
  private static final int S3_REQUESTS = 16;

  /** The registry's repositories, as a key prefix under an S3 storage's root. */
  static final String S3_REPOSITORIES = "docker/registry/v2/repositories/";

  private static final Pattern EMPTY_STORAGE =
      Pattern.compile("Path not found: \\S*/docker/registry/v2/(repositories|blobs)(\\s|$)");

  private final CliOptions options;
  private final RegistryConfig config;
  private final RegistryBinary registry;
  private final EarlyStart early;
  private final Log log;
  private final GcReport report;
  private final Parallel parallel;
  private final StorageReader storage;

  /** The retention step of a run with {@code --retention}; else null. */
  private final RetentionStep retention;

  /** An S3 storage with a bucket, read through the S3 API during {@link #run()}; else null. */
  private S3Storage s3;

  /** The repositories of {@link #s3} as listed while garbage-collect ran; else null. */
  private volatile S3Listing repositoriesDuringRun;

  /** The manifests read from {@link #s3}, by digest: content-addressed, read once per run. */
  private final Map<String, Manifest> s3Manifests = new ConcurrentHashMap<>();

  /** The tagged images as read before the real run, when the safety checks needed them. */
  private volatile ImageGraph graph;

  /** What {@link #graph} was read from: the filesystem, or a listing of the S3 repositories. */
  private volatile StorageView graphStorage;

  GarbageCollection(
      CliOptions options,
      RegistryConfig config,
      RegistryBinary registry,
      EarlyStart early,
      Log log,
      GcReport report,
      Parallel parallel,
      RetentionStep retention) {
    this.options = options;
    this.retention = retention;
    this.config = config;
    this.registry = registry;
    this.early = early;
    this.log = log;
    this.report = report;
    this.parallel = parallel;
    this.storage =
        config.isFilesystem() ? new StorageReader(new StorageLayout(config.rootDirectory())) : null;
  }

  GcOutcome run() throws IOException, InterruptedException {
    GcOutcome outcome;
    if (config.isS3() && config.s3().bucket() != null) {
      try (S3Storage opened = S3Storage.connect(config.s3())) {
        s3 = opened;
        outcome = runOnStorage();
      } finally {
        s3 = null;
      }
    } else {
      outcome = runOnStorage();
    }
    // The retention plan's summary leads the message: the operator shows it as the run's result.
    String retained = retention == null ? "" : retention.messagePrefix();
    if (!retained.isEmpty()) {
      report.message = retained + "; " + report.message;
    }
    return outcome;
  }

  private GcOutcome runOnStorage() throws IOException, InterruptedException {
    report.storageDriver = config.storageDriver();
    report.counters.setBytesMeasured(config.isFilesystem() || s3 != null);
    // The version query runs alongside the first step; nothing is deleted before it answered.
    Future<RegistryVersion> versionQuery = early.version();
    if (options.dryRun() || !config.isFilesystem()) {
      early.stopSnapshot();
    }
    if (retention != null && !config.isFilesystem() && s3 == null) {
      return done(
          GcOutcome.ConfigurationError,
          "--retention reads the storage, which the runner does on filesystem and s3 (with a"
              + " bucket) only, not on "
              + config.storageDriver());
    }
    try {
      if (options.retentionOnly()) {
        return retentionOnly(versionQuery);
      }
      if (options.dryRun()) {
        return dryRun(versionQuery);
      }
      return config.isFilesystem()
          ? collectOnFilesystem(versionQuery)
          : collectRemote(versionQuery);
    } catch (RegistryBinary.HungException e) {
      // Only the version query throws it, and every path awaits it before garbage-collect runs.
      return done(GcOutcome.GarbageCollectFailed, e.getMessage());
    }
  }

  /**
   * {@code garbage-collect --dry-run}: what a real run would delete, and whether it would be
   * refused.
   */
  private GcOutcome dryRun(Future<RegistryVersion> versionQuery)
      throws IOException, InterruptedException {
    GcOutcome retentionFailed = applyRetention(null);
    if (retentionFailed != null) {
      return retentionFailed;
    }
    boolean filesystem = config.isFilesystem();
    // With --delete-untagged the safety check may need the storage's tagged images: they are read
    // meanwhile.
    GcOutputParser parser = new GcOutputParser(!filesystem && options.deleteUntagged());
    RegistryBinary.Result dry =
        runGarbageCollect(
            true,
            parser,
            filesystem && options.deleteUntagged()
                ? () -> graph = readGraph()
                : this::readGraphOnS3);
    RegistryVersion version = awaitVersion(versionQuery);
    if (dry.exitCode() != 0) {
      return dryRunFailed(dry, "garbage-collect --dry-run");
    }
    GcOutput planned = parser.result();
    if (!planned.summarySeen()) {
      return done(
          GcOutcome.GarbageCollectFailed, notUnderstood("garbage-collect --dry-run", planned));
    }
    recordPlan(
        planned,
        filesystem
            ? sumSizes(new BlobFiles(storage.layout(), parallel).stat(planned.eligibleBlobs()))
            : s3 != null ? s3.blobs().bytesOf(planned.eligibleBlobs()) : 0);
    logPlan("", true, planned, dry);
    GcOutcome refused = refuseIfUnsafe(version, planned, null);
    if (refused != null) {
      return refused;
    }
    return done(
        GcOutcome.Succeeded,
        "dry run: a real run would delete "
            + planned.blobsEligibleCount()
            + " blobs"
            + (filesystem || s3 != null
                ? " (" + report.counters.getEligibleBytes() + " bytes)"
                : "")
            + " and "
            + planned.manifestsEligibleCount()
            + " manifests"
            + (retention != null ? " besides what retention frees" : "")
            + "; nothing was deleted");
  }

  /**
   * {@code --retention-only} (with {@code --dry-run}): the retention plan alone, for the operator's
   * Pruning step while the registry still serves. Reads the storage, writes nothing, runs no
   * garbage-collect.
   */
  private GcOutcome retentionOnly(Future<RegistryVersion> versionQuery)
      throws IOException, InterruptedException {
    awaitVersion(versionQuery);
    GcOutcome retentionFailed = applyRetention(null);
    if (retentionFailed != null) {
      return retentionFailed;
    }
    return done(
        GcOutcome.Succeeded, "retention only: nothing was deleted, garbage-collect not run");
  }

  /**
   * The retention step, first in a run: after the blob sizes were taken (so that the bytes
   * garbage-collect then frees are counted exactly) and the version answered, before the safety
   * checks read the tags. Reads the storage, decides, logs and reports the plan; a real run deletes
   * it.
   *
   * @param s3Blobs on S3, the blobs listed for the run (their sizes); null to list them here
   * @return null when the run goes on, else how it ended (nothing was collected)
   */
  private GcOutcome applyRetention(BlobSnapshot s3Blobs) throws IOException {
    if (retention == null) {
      return null;
    }
    long started = System.nanoTime();
    // reading and deleting on S3 wait on the network, not the CPU: more requests at once
    try (Parallel requests = s3 != null ? new Parallel(S3_REQUESTS) : null) {
      S3Listing listing = null;
      Inventory inventory;
      try {
        if (s3 != null) {
          listing = S3Listing.ofRepositoriesWithTimes(s3, s3Manifests);
          inventory =
              RetentionInventory.ofS3(listing, s3Blobs != null ? s3Blobs : s3.blobs(), requests);
        } else {
          inventory = RetentionInventory.ofFilesystem(storage, parallel);
        }
      } catch (IOException | RuntimeException e) {
        return done(
            GcOutcome.GarbageCollectFailed,
            "retention could not read the storage: " + e + "; nothing was deleted");
      }
      retention.decide(inventory, (System.nanoTime() - started) / 1e9);
      if (options.dryRun()) {
        log.info("retention: dry run, nothing deleted");
        return null;
      }
      String failed =
          s3 != null
              ? retention.carryOut(RetentionDeletion.onS3(s3, listing), requests)
              : retention.carryOut(RetentionDeletion.onFilesystem(storage.layout()), parallel);
      return failed == null ? null : done(GcOutcome.GarbageCollectFailed, failed);
    }
  }

  /**
   * A real run on filesystem storage. The sizes of the blobs the run deletes come from a snapshot
   * of every blob taken before it, so no separate dry run (a second mark phase) is needed; which
   * blobs it deleted, from its own output.
   */
  private GcOutcome collectOnFilesystem(Future<RegistryVersion> versionQuery)
      throws IOException, InterruptedException {
    // With --delete-untagged the safety check may need the tagged images: read beside the snapshot.
    // (After retention, which deletes tags, they are read once it is done.)
    Future<ImageGraph> graphRead =
        options.deleteUntagged() && retention == null
            ? parallel.executor().submit(this::readGraph)
            : null;
    EarlyStart.TimedSnapshot snapshot = early.snapshotOf(storage.layout().root(), parallel);
    BlobSnapshot before = snapshot.snapshot();
    log.info(
        "snapshot: "
            + before.count()
            + " blobs ("
            + before.totalBytes()
            + " bytes)"
            + (before.unreadable() > 0
                ? "; WARNING: "
                    + before.unreadable()
                    + " blob directories could not be read, their bytes are not counted"
                : "")
            + " ["
            + Log.seconds(snapshot.seconds())
            + "]");
    RegistryVersion version = awaitVersion(versionQuery);
    GcOutcome retentionFailed = applyRetention(null);
    if (retentionFailed != null) {
      return retentionFailed;
    }
    if (options.deleteUntagged() && graphRead == null) {
      graphRead = parallel.executor().submit(this::readGraph);
    }
    if (graphRead != null) {
      try {
        graph = await(graphRead);
      } catch (IOException | RuntimeException e) {
        return done(
            GcOutcome.GarbageCollectFailed,
            "the safety check could not read the storage's tagged images: "
                + e
                + "; nothing was deleted");
      }
    }
    GcOutcome refused = refuseIfUnsafe(version, null, before);
    if (refused != null) {
      return refused;
    }

    // While the registry collects (mostly on one core), the tagged images are read for the
    // integrity check (manifests are content-addressed, so that read stays valid).
    GcOutputParser parser = new GcOutputParser(false);
    RegistryBinary.Result real =
        runGarbageCollect(false, parser, graph == null ? this::warmUpGraph : null);
    GcOutput output = parser.result();
    if (real.exitCode() != 0) {
      GcOutcome nothingDone = failedBeforeCollecting(real, output);
      if (nothingDone != null) {
        return nothingDone;
      }
    }
    recordPlan(output, before.bytesOf(output.eligibleBlobs()));
    logPlan("", false, output, real);

    // The tags are read again for the integrity check while the accounting runs.
    Future<ImageGraph> graphAfter = parallel.executor().submit(this::readGraph);
    PresenceIndex after = new PresenceIndex(storage.layout());
    Accounting accounting =
        Accounting.measure(
            storage.layout(),
            after,
            parallel,
            before,
            // Without its summary the output is not understood: any blob gone is counted.
            output.summarySeen() ? output.eligibleBlobs() : null,
            output.eligibleManifests());
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
    GcOutcome outcome =
        checkedOutcome(
            () -> new IntegrityCheck(storage.layout(), parallel).check(await(graphAfter), after),
            real,
            output);
    return pruneIfAsked(outcome, () -> EmptyRepositories.pruneOnFilesystem(storage.layout()));
  }

  /** Removes the folders of empty repositories: {@link EmptyRepositories}. */
  @FunctionalInterface
  private interface Pruning {
    List<String> prune() throws IOException;
  }

  /**
   * After a run that succeeded, with {@code --prune-empty-repositories}: prunes, counts and logs
   * the repositories left with no tag and no manifest. A failure to prune fails the run, the
   * collection itself having succeeded (the message says both).
   */
  private GcOutcome pruneIfAsked(GcOutcome outcome, Pruning pruning) {
    if (outcome != GcOutcome.Succeeded || !options.pruneEmptyRepositories()) {
      return outcome;
    }
    long started = System.nanoTime();
    List<String> pruned;
    try {
      pruned = pruning.prune();
    } catch (IOException | RuntimeException e) {
      return done(
          GcOutcome.GarbageCollectFailed,
          report.message + "; but pruning empty repositories failed: " + e.getMessage());
    }
    report.counters.setRepositoriesPruned((long) pruned.size());
    log.info(
        "pruned "
            + pruned.size()
            + " empty repositories"
            + (pruned.isEmpty()
                ? ""
                : ": "
                    + String.join(", ", pruned.subList(0, Math.min(10, pruned.size())))
                    + (pruned.size() > 10 ? ", ..." : ""))
            + " ["
            + Log.seconds((System.nanoTime() - started) / 1e9)
            + "]");
    return done(
        GcOutcome.Succeeded, report.message + "; " + pruned.size() + " empty repositories pruned");
  }

  /** Reads the storage after a run and checks it: {@link IntegrityCheck}. */
  @FunctionalInterface
  private interface IntegrityRead {
    IntegrityResult check() throws IOException, InterruptedException;
  }

  /**
   * The integrity check after a real run whose deletions are counted in the report, then the run's
   * outcome: intact and understood, it succeeded.
   */
  private GcOutcome checkedOutcome(IntegrityRead read, RegistryBinary.Result real, GcOutput output)
      throws InterruptedException {
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
      integrity = read.check();
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
      return realRunFailed(real, deleted + " before failing; integrity verified");
    }
    if (!output.summarySeen()) {
      return done(
          GcOutcome.GarbageCollectFailed,
          notUnderstood("garbage-collect", output) + " (" + deleted + "; integrity verified)");
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

  /**
   * A real run on storage other than a filesystem. On S3 every blob's size is listed before the run
   * and what is gone afterwards is what it freed, exactly, through the S3 API, and the integrity
   * check reads the bucket; elsewhere the bytes are not measured and integrity is not checked.
   */
  private GcOutcome collectRemote(Future<RegistryVersion> versionQuery)
      throws IOException, InterruptedException {
    // the tagged images (for the safety checks) are read beside the listing of the blobs; after
    // retention, which deletes tags, once it is done
    Future<?> graphRead =
        retention != null
            ? null
            : parallel
                .executor()
                .submit(
                    () -> {
                      readGraphOnS3();
                      return null;
                    });
    BlobSnapshot before = s3 == null ? null : listBlobs();
    if (graphRead != null) {
      await(graphRead);
    }
    RegistryVersion version = awaitVersion(versionQuery);
    GcOutcome retentionFailed = applyRetention(before);
    if (retentionFailed != null) {
      return retentionFailed;
    }
    if (graphRead == null) {
      readGraphOnS3();
    }
    GcOutput planned = null;
    // Storage the runner cannot read (graph null): the safety check needs a preflight's output.
    if (options.deleteUntagged() && version.hasMultiArchDeletionBug() && graph == null) {
      GcOutputParser preflightParser = new GcOutputParser(true);
      RegistryBinary.Result preflight = runGarbageCollect(true, preflightParser, null);
      if (preflight.exitCode() != 0) {
        return dryRunFailed(preflight, "preflight garbage-collect --dry-run");
      }
      planned = preflightParser.result();
      if (!planned.summarySeen()) {
        return done(
            GcOutcome.GarbageCollectFailed, notUnderstood("garbage-collect --dry-run", planned));
      }
      recordPlan(planned, before == null ? 0 : before.bytesOf(planned.eligibleBlobs()));
      logPlan("preflight ", true, planned, preflight);
    }
    GcOutcome refused = refuseIfUnsafe(version, planned, before); // or logs why none is needed
    if (refused != null) {
      return refused;
    }
    GcOutputParser parser = new GcOutputParser(false);
    RegistryBinary.Result real =
        runGarbageCollect(
            false, parser, s3 != null && graph == null ? this::warmUpGraphOnS3 : null);
    GcOutput output = parser.result();
    if (real.exitCode() != 0) {
      GcOutcome nothingDone = failedBeforeCollecting(real, output);
      if (nothingDone != null) {
        return nothingDone;
      }
    }
    if (output.summarySeen()) {
      recordPlan(output, before == null ? 0 : before.bytesOf(output.eligibleBlobs()));
    }
    logPlan("", false, output, real);
    if (before != null) {
      return checkOnS3(before, real, output, version);
    }
    if (real.exitCode() != 0) {
      return realRunFailed(
          real,
          config.storageDriver() + " storage: what was deleted before the failure is unknown");
    }
    if (!output.summarySeen()) {
      return done(GcOutcome.GarbageCollectFailed, notUnderstood("garbage-collect", output));
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
            + " storage: bytes not measured, integrity not checked"
            + (options.pruneEmptyRepositories() ? ", empty repositories not pruned" : "")
            + ")");
  }

  /**
   * After a run on S3: one listing of the bucket tells which blobs are gone (what the run freed,
   * sized from {@code before}) and, with the tags and manifests read from it, whether every
   * reference of a tagged image is still there.
   */
  private GcOutcome checkOnS3(
      BlobSnapshot before, RegistryBinary.Result real, GcOutput output, RegistryVersion version)
      throws IOException, InterruptedException {
    long started = System.nanoTime();
    // A 2.x registry without --delete-untagged deletes only blobs: the repositories as listed
    // while it ran are the repositories after it, and only the blobs need listing again.
    S3Listing during = repositoriesDuringRun;
    boolean repositoriesUnchanged =
        during != null && !options.deleteUntagged() && version.collectsOnlyBlobs();
    S3Listing after;
    if (repositoriesUnchanged) {
      after = S3Listing.ofBlobsBeside(s3, during);
    } else {
      try (Parallel listings = new Parallel(2)) {
        after = S3Listing.of(s3, s3Manifests, listings);
      }
    }
    Set<String> gone = new HashSet<>(before.digests());
    gone.removeAll(after.blobDigests());
    report.counters.setBlobsDeleted((long) gone.size());
    report.counters.setReclaimedBytes(before.bytesOf(gone));
    report.counters.setManifestsDeleted(report.counters.getManifestsEligible());
    log.info(
        "listed "
            + after.keys().size()
            + " keys after the run"
            + (repositoriesUnchanged
                ? " (the blobs; the repositories as listed during it: registry "
                    + version.display()
                    + " without --delete-untagged deletes only blobs)"
                : "")
            + " ["
            + Log.seconds((System.nanoTime() - started) / 1e9)
            + "]");
    GcOutcome outcome =
        checkedOutcome(
            () -> {
              // reading the bucket waits on the network, not the CPU: more requests at once
              try (Parallel requests = new Parallel(S3_REQUESTS)) {
                return new IntegrityCheck(null, requests)
                    .check(ImageGraph.read(after, requests), after);
              }
            },
            real,
            output);
    return pruneIfAsked(
        outcome,
        () -> {
          try (Parallel requests = new Parallel(S3_REQUESTS)) {
            return EmptyRepositories.pruneOnS3(s3, after.keys(), requests);
          }
        });
  }

  /** Every blob of the S3 storage with its size, listed through the S3 API, and logged. */
  private BlobSnapshot listBlobs() throws IOException {
    long started = System.nanoTime();
    BlobSnapshot blobs = s3.blobs();
    log.info(
        "snapshot: "
            + blobs.count()
            + " blobs ("
            + blobs.totalBytes()
            + " bytes) listed from "
            + config.s3()
            + " ["
            + Log.seconds((System.nanoTime() - started) / 1e9)
            + "]");
    return blobs;
  }

  private GcOutcome realRunFailed(RegistryBinary.Result real, String detail) {
    return done(
        GcOutcome.GarbageCollectFailed,
        "garbage-collect failed (exit "
            + real.exitCode()
            + "): "
            + real.error()
            + " ("
            + detail
            + ")");
  }

  /**
   * The version, once {@code registry --version} answered.
   *
   * @throws RegistryBinary.HungException when it did not answer in time
   */
  private RegistryVersion awaitVersion(Future<RegistryVersion> versionQuery)
      throws IOException, InterruptedException {
    RegistryVersion version = await(versionQuery);
    report.registryVersion = version.display();
    log.info("registry " + version.display() + " (" + registry.binary() + ")");
    return version;
  }

  /** The counts a garbage-collect run printed (and the bytes of its eligible blobs). */
  private void recordPlan(GcOutput planned, long eligibleBytes) {
    report.counters.setBlobsMarked(planned.blobsMarked());
    report.counters.setBlobsEligible(planned.blobsEligibleCount());
    report.counters.setManifestsEligible(planned.manifestsEligibleCount());
    report.counters.setEligibleBytes(eligibleBytes);
    if (planned.summarySeen() && planned.eligibleBlobs().size() != planned.blobsEligibleCount()) {
      log.warn(
          "garbage-collect's summary says "
              + planned.blobsEligibleCount()
              + " eligible blobs but lists "
              + planned.eligibleBlobs().size());
    }
  }

  private void logPlan(
      String prefix, boolean dryRun, GcOutput planned, RegistryBinary.Result result) {
    log.info(
        prefix
            + "garbage-collect"
            + (dryRun ? " --dry-run" : "")
            + (options.deleteUntagged() ? " --delete-untagged" : "")
            + ": exit "
            + result.exitCode()
            + (planned.summarySeen()
                ? "; "
                    + planned.blobsMarked()
                    + " blobs marked; "
                    + planned.blobsEligibleCount()
                    + " blobs"
                    + (config.isFilesystem()
                        ? " (" + report.counters.getEligibleBytes() + " bytes)"
                        : "")
                    + " and "
                    + planned.manifestsEligibleCount()
                    + " manifests eligible for deletion"
                : "; no summary line")
            + " ["
            + Log.seconds(result.seconds())
            + "]");
  }

  private static String notUnderstood(String what, GcOutput output) {
    return what
        + " printed no summary line; its output was not understood ("
        + output.unrecognizedLines()
        + " unrecognised lines)";
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
    // On one thread: the registry, collecting meanwhile, needs the other core more.
    try (Parallel oneThread = new Parallel(1)) {
      ImageGraph.read(storage, oneThread);
    } catch (IOException | RuntimeException e) {
      // The integrity check reads again and reports.
    }
  }

  private ImageGraph readGraph() throws IOException {
    graphStorage = storage;
    return ImageGraph.read(storage, parallel);
  }

  /**
   * Reads the tagged images of an S3 storage into {@link #graph} (from one listing of its
   * repositories) for the safety checks, when they need them.
   */
  private void readGraphOnS3() throws IOException {
    if (s3 == null || !options.deleteUntagged()) {
      return;
    }
    S3Listing repositories = S3Listing.ofRepositories(s3, s3Manifests);
    // reading the bucket waits on the network, not the CPU: more requests at once
    try (Parallel requests = new Parallel(S3_REQUESTS)) {
      graph = ImageGraph.read(repositories, requests);
    }
    graphStorage = repositories;
  }

  /**
   * While garbage-collect runs on S3: reads the tagged images' manifests into {@link #s3Manifests}
   * for the integrity check after it, which then reads only the tags' links again. Failures show
   * again in that later read.
   */
  private void warmUpGraphOnS3() {
    // one request at a time: the registry, collecting meanwhile, needs the CPU more
    try (Parallel requests = new Parallel(1)) {
      S3Listing repositories = S3Listing.ofRepositories(s3, s3Manifests);
      ImageGraph.read(repositories, requests);
      repositoriesDuringRun = repositories;
    } catch (IOException | RuntimeException e) {
      // The integrity check reads again and reports.
    }
  }

  /** A dry run (or the preflight) that failed: empty storage, a rejected config, or a failure. */
  private GcOutcome dryRunFailed(RegistryBinary.Result dry, String what) throws IOException {
    String error = dry.error();
    if (EMPTY_STORAGE.matcher(error).find() && storageLooksEmpty()) {
      return emptyStorage();
    }
    if (error.startsWith(RegistryBinary.CONFIG_ERROR)) {
      return done(GcOutcome.ConfigurationError, "the registry rejected its config: " + error);
    }
    return done(
        GcOutcome.GarbageCollectFailed,
        what
            + " failed (exit "
            + dry.exitCode()
            + "): "
            + (error.isEmpty() ? "no error message" : error));
  }

  /**
   * A real run that failed before it could delete anything: on an empty storage (no manifest was
   * listed for deletion), or with a config the registry rejected. Null for any other failure.
   */
  private GcOutcome failedBeforeCollecting(RegistryBinary.Result real, GcOutput output)
      throws IOException {
    String error = real.error();
    if (EMPTY_STORAGE.matcher(error).find()
        && output.eligibleManifests().isEmpty()
        && storageLooksEmpty()) {
      return emptyStorage();
    }
    if (error.startsWith(RegistryBinary.CONFIG_ERROR)) {
      return done(GcOutcome.ConfigurationError, "the registry rejected its config: " + error);
    }
    return null;
  }

  private GcOutcome emptyStorage() {
    report.integrity =
        !options.dryRun() && config.isFilesystem()
            ? IntegrityResult.EMPTY
            : IntegrityResult.NOT_CHECKED;
    return done(GcOutcome.Succeeded, "storage is empty (no repositories yet): nothing to collect");
  }

  /**
   * Double-checks the registry's "Path not found" before calling the storage empty: on a
   * filesystem, no repository has any manifest; on S3, no object is under the repositories' prefix
   * (the registry's S3 driver says "Path not found" for a mark phase it could not finish, too). On
   * other drivers it cannot be checked, so the run fails with the registry's message.
   */
  private boolean storageLooksEmpty() throws IOException {
    if (s3 != null) {
      return !s3.anyUnder(S3_REPOSITORIES);
    }
    if (!config.isFilesystem()) {
      return false;
    }
    return !Files.isDirectory(storage.layout().repositories())
        || storage.repositories().isEmpty()
        || !Files.isDirectory(storage.layout().blobs());
  }

  /**
   * Registries before 3.0 delete the children of tagged indexes with --delete-untagged: refuse
   * that. On filesystem storage the check reads the storage (the tagged images, read into {@link
   * #graph}, and the repositories' manifest revisions); otherwise a dry run's output ({@code
   * planned}, with its marked references).
   *
   * @param snapshot the blob sizes of a real run, for the figures of a refused run
   * @return the refusal, or null when the run may go on
   */
  private GcOutcome refuseIfUnsafe(RegistryVersion version, GcOutput planned, BlobSnapshot snapshot)
      throws IOException, InterruptedException {
    if (!options.deleteUntagged()) {
      return null;
    }
    GcOutcome referrersRefused = refuseReferrers(planned, snapshot);
    if (referrersRefused != null) {
      return referrersRefused;
    }
    if (!version.hasMultiArchDeletionBug()) {
      log.info(
          "safety check: registry " + version.display() + " keeps the children of tagged indexes");
      return null;
    }
    List<SafetyCheck.Conflict> conflicts;
    if (graph != null) {
      conflicts =
          SafetyCheck.conflicts(graph.childrenAtRisk(graphStorage), graph.protectedChildren());
    } else {
      conflicts = SafetyCheck.conflicts(planned.eligibleManifests(), planned.markedReferences());
    }
    if (conflicts.isEmpty()) {
      log.info(
          "safety check: passed, no untagged manifest belongs to a tagged index or manifest list");
      return null;
    }
    if (planned == null) {
      recordFiguresOfDryRun(snapshot);
    }
    return done(GcOutcome.PreflightRefused, SafetyCheck.refusal(conflicts, version));
  }

  /**
   * {@code --delete-untagged} deletes untagged referrers (signatures, SBOMs) while their image
   * stays: refused, unless {@code --delete-untagged-referrers} allows it. Read from the storage
   * ({@link #graph}); storage the runner cannot read is not checked, and the log says so.
   */
  private GcOutcome refuseReferrers(GcOutput planned, BlobSnapshot snapshot)
      throws IOException, InterruptedException {
    if (graph == null) {
      log.warn(
          "referrer check: "
              + config.storageDriver()
              + " storage is not read by the runner; untagged referrers (signatures, SBOMs) of"
              + " images that stay are not looked for");
      return null;
    }
    List<ReferrerCheck.Referrer> atRisk = ReferrerCheck.atRisk(graphStorage, graph);
    if (atRisk.isEmpty()) {
      log.info("referrer check: passed, no untagged referrer of an image that stays");
      return null;
    }
    if (options.deleteUntaggedReferrers()) {
      log.warn(
          "referrer check: deleting "
              + atRisk.size()
              + " untagged referrer(s) of images that stay, as --delete-untagged-referrers allows: "
              + ReferrerCheck.describe(atRisk));
      return null;
    }
    if (planned == null) {
      recordFiguresOfDryRun(snapshot);
    }
    return done(GcOutcome.PreflightRefused, ReferrerCheck.refusal(atRisk));
  }

  /**
   * A refused real run has not marked anything: a dry run (nothing is deleted) gives its report the
   * figures that a preview would show.
   */
  private void recordFiguresOfDryRun(BlobSnapshot snapshot)
      throws IOException, InterruptedException {
    GcOutputParser parser = new GcOutputParser(false);
    RegistryBinary.Result dry = runGarbageCollect(true, parser, null);
    GcOutput planned = parser.result();
    if (dry.exitCode() == 0 && planned.summarySeen()) {
      recordPlan(planned, snapshot.bytesOf(planned.eligibleBlobs()));
      logPlan("for the refused run's figures: ", true, planned, dry);
    } else {
      log.warn(
          "garbage-collect --dry-run, run for the refused run's figures, failed (exit "
              + dry.exitCode()
              + "): "
              + dry.error());
    }
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
