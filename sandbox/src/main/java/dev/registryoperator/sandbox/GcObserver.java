package dev.registryoperator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registryoperator.gcrunner.testkit.StorageSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Watches GC Job processes: the storage (blob digests and sizes, {@link StorageSnapshot}) right
 * before each starts and right after it exited, and the runner's report. The bytes that disappeared
 * between the two snapshots are what the run really freed on disk.
 */
public final class GcObserver implements JobListener {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One GC Job process and what it did to the storage. */
  public record Observed(
      ProcessRecord job, StorageSnapshot before, StorageSnapshot after, String report) {
    /** Bytes of blob data that disappeared while the process ran. */
    public long bytesFreed() {
      return after.bytesGoneSince(before);
    }

    public boolean dryRun() {
      return job.command().contains("--dry-run");
    }

    public Optional<JsonNode> reportJson() {
      try {
        return report == null || report.isBlank()
            ? Optional.empty()
            : Optional.of(JSON.readTree(report));
      } catch (IOException e) {
        return Optional.empty();
      }
    }

    /** The runner's own duration ({@code durationSeconds} of its report), if it wrote a report. */
    public Optional<Double> runnerSeconds() {
      return reportJson()
          .map(j -> j.path("durationSeconds"))
          .filter(JsonNode::isNumber)
          .map(JsonNode::asDouble);
    }
  }

  private final List<Observed> observed = new CopyOnWriteArrayList<>();
  private final Map<String, StorageSnapshot> before = new ConcurrentHashMap<>();

  @Override
  public void starting(ProcessRecord job) {
    storage(job).ifPresent(dir -> before.put(job.uid(), StorageSnapshot.of(dir)));
  }

  @Override
  public void exited(ProcessRecord job) {
    StorageSnapshot after = storage(job).map(StorageSnapshot::of).orElse(null);
    String report;
    try {
      report = Files.readString(job.terminationMessage());
    } catch (IOException e) {
      report = null;
    }
    observed.add(new Observed(job, before.remove(job.uid()), after, report));
  }

  public List<Observed> observed() {
    return List.copyOf(observed);
  }

  /** The last GC process that was not a dry run (preview). */
  public Optional<Observed> lastCollection() {
    List<Observed> all = observed();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (!all.get(i).dryRun()) {
        return Optional.of(all.get(i));
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> storage(ProcessRecord job) {
    return job.claims().values().stream().findFirst();
  }
}
