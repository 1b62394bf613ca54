package dev.registryoperator.gcrunner;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * What a run starts before the registry config is parsed (SnakeYAML takes tens of milliseconds to
 * start): the {@code registry --version} query and, for a real run, the blob snapshot of the
 * storage root that the config text points to ({@link RegistryConfig#filesystemRootHint}). The run
 * uses that snapshot only if the parsed config has the same filesystem root; otherwise it takes one
 * of the right root.
 */
final class EarlyStart {
  /**
   * A blob snapshot and how long it took.
   *
   * @param snapshot the blob sizes
   * @param seconds wall-clock seconds it took
   */
  record TimedSnapshot(BlobSnapshot snapshot, double seconds) {
    static TimedSnapshot take(Path root, Parallel parallel) {
      long started = System.nanoTime();
      BlobSnapshot snapshot = new BlobFiles(new StorageLayout(root), parallel).snapshot();
      return new TimedSnapshot(snapshot, (System.nanoTime() - started) / 1e9);
    }
  }

  private final Future<RegistryVersion> version;
  private final Path snapshotRoot;
  private final Future<TimedSnapshot> snapshot;

  private EarlyStart(
      Future<RegistryVersion> version, Path snapshotRoot, Future<TimedSnapshot> snapshot) {
    this.version = version;
    this.snapshotRoot = snapshotRoot;
    this.snapshot = snapshot;
  }

  /**
   * Starts the version query and, when {@code snapshotRoot} is given, the snapshot of that root.
   */
  static EarlyStart begin(RegistryBinary registry, Optional<Path> snapshotRoot, Parallel parallel) {
    Future<RegistryVersion> version = parallel.executor().submit(registry::version);
    Future<TimedSnapshot> snapshot =
        snapshotRoot
            .map(root -> parallel.executor().submit(() -> TimedSnapshot.take(root, parallel)))
            .orElse(null);
    return new EarlyStart(version, snapshotRoot.orElse(null), snapshot);
  }

  Future<RegistryVersion> version() {
    return version;
  }

  /** The snapshot of {@code root}: the early one if it was of that root, else one taken now. */
  TimedSnapshot snapshotOf(Path root, Parallel parallel) throws InterruptedException {
    if (snapshot != null && root.equals(snapshotRoot)) {
      try {
        return snapshot.get();
      } catch (ExecutionException e) {
        // Taken again below, so that a failure surfaces where it would have without the early
        // start.
      }
    }
    stopSnapshot();
    return TimedSnapshot.take(root, parallel);
  }

  /** Stops an early snapshot the run does not use. */
  void stopSnapshot() {
    if (snapshot != null) {
      snapshot.cancel(true);
    }
  }
}
