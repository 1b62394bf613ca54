package dev.registryoperator.gcrunner;

import dev.registryoperator.gcreport.GcReport;
import dev.registryoperator.gcreport.retention.Inventory;
import dev.registryoperator.gcreport.retention.RetentionDecision;
import dev.registryoperator.gcreport.retention.RetentionPlan;
import dev.registryoperator.gcreport.retention.RetentionPlan.DeletedManifest;
import dev.registryoperator.gcreport.retention.RetentionPlan.DeletedTag;
import dev.registryoperator.gcreport.retention.RetentionPlan.KeptManifest;
import dev.registryoperator.gcreport.retention.RetentionPlan.KeptTag;
import dev.registryoperator.gcreport.retention.RetentionPlan.RepositoryPlan;
import dev.registryoperator.gcreport.retention.RetentionRequest;
import dev.registryoperator.gcreport.retention.RetentionRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Retention in a run ({@code --retention}): decides on what the storage holds with the operator's
 * request, says the whole plan in the log (people read it to learn why a tag went), puts its
 * figures in the report and, in a real run, has it carried out. Garbage-collect afterwards frees
 * the blobs of the deleted manifests.
 */
final class RetentionStep {
  private final RetentionRequest request;
  private final Log log;
  private final GcReport report;
  private RetentionPlan plan;
  private boolean deleted;

  RetentionStep(RetentionRequest request, Log log, GcReport report) {
    this.request = request;
    this.log = log;
    this.report = report;
  }

  /**
   * Reads and checks the request at {@code path}: a file that cannot be read, is not a request, or
   * has rules the operator should have refused is a usage error, each rule error naming its field.
   */
  static RetentionRequest load(Path path) throws UsageException {
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException | RuntimeException e) {
      throw new UsageException("cannot read the retention request " + path + ": " + e, e);
    }
    RetentionRequest request;
    try {
      request = RetentionRequest.parse(text);
    } catch (IOException | RuntimeException e) {
      throw new UsageException("invalid retention request " + path + ": " + e.getMessage(), e);
    }
    List<String> errors = RetentionRules.validate(request.rules());
    if (!errors.isEmpty()) {
      throw new UsageException(
          "invalid retention rules in " + path + ": " + String.join("; ", errors));
    }
    return request;
  }

  /** Decides on {@code inventory}, logs the plan, and fills the report's retention figures. */
  RetentionPlan decide(Inventory inventory, double readSeconds) {
    plan =
        RetentionDecision.decide(inventory, request.rules(), request.protection(), request.now());
    log.info(
        "retention: "
            + plan.summary()
            + " ("
            + inventory.repositories().size()
            + " repositories read, rules for "
            + request.now()
            + (request.workloadsChecked() ? "" : "; workloads not checked, nothing protected")
            + ") ["
            + Log.seconds(readSeconds)
            + "]");
    for (RepositoryPlan repository : plan.repositories()) {
      logRepository(repository);
    }
    RetentionPlan.Totals totals = plan.totals();
    report.counters.setTagsDeleted((long) totals.tagsDeleted());
    report.counters.setRetentionManifestsDeleted((long) totals.manifestsDeleted());
    report.counters.setRetentionBytes(totals.bytes());
    report.counters.setTagsProtected((long) totals.tagsProtected());
    return plan;
  }

  private void logRepository(RepositoryPlan repository) {
    String name = repository.repository();
    for (DeletedTag tag : repository.deletedTags()) {
      log.info(
          "retention: delete tag "
              + name
              + ":"
              + tag.tag()
              + " ("
              + tag.digest()
              + ", pushed "
              + tag.pushed()
              + "): "
              + tag.why()
              + (tag.manifestStays() ? "; untagged only, its manifest stays" : ""));
    }
    for (KeptTag tag : repository.keptTags()) {
      // every kept tag with why: the plan says why others stay, not only what goes
      log.info(
          "retention: keep tag "
              + name
              + ":"
              + tag.tag()
              + " ("
              + tag.digest()
              + ")"
              + (tag.users().isEmpty() ? "" : ", used by " + String.join(", ", tag.users()))
              + ": "
              + tag.reason()
              + (tag.rule() == null ? "" : " (rule " + tag.rule() + ")")
              + ", "
              + tag.detail());
    }
    for (DeletedManifest manifest : repository.deletedManifests()) {
      log.info(
          manifestLine("delete", name, manifest.digest(), "tags", manifest.tags())
              + manifest.why());
    }
    for (KeptManifest manifest : repository.keptManifests()) {
      log.info(
          manifestLine("keep", name, manifest.digest(), "untag", manifest.deletedTags())
              + manifest.reason()
              + ", "
              + manifest.detail()
              + (manifest.users().isEmpty()
                  ? ""
                  : ", used by " + String.join(", ", manifest.users())));
    }
  }

  /** {@code retention: <verb> manifest <repository>@<digest> (<label> <tags>): }. */
  private static String manifestLine(
      String verb, String repository, String digest, String label, List<String> tags) {
    return "retention: "
        + verb
        + " manifest "
        + repository
        + "@"
        + digest
        + (tags.isEmpty() ? "" : " (" + label + " " + String.join(", ", tags) + ")")
        + ": ";
  }

  /**
   * Deletes what the plan deletes; a failure fails the run (garbage-collect must not run after a
   * partial deletion), and its message says what was deleted.
   *
   * @return null when all was deleted, else the run's failure message
   */
  String carryOut(RetentionDeletion.Folders folders, Parallel parallel) {
    long started = System.nanoTime();
    RetentionDeletion.Deleted done;
    try {
      done = RetentionDeletion.apply(plan, folders, parallel);
    } catch (RetentionDeletion.Failed e) {
      RetentionDeletion.Deleted partly = e.deleted();
      record(partly, 0);
      log.warn(
          "retention: deleting failed ("
              + e.getMessage()
              + "); deleted before: tags "
              + named(partly.tags())
              + "; manifests "
              + named(partly.manifests()));
      return "retention failed after deleting "
          + partly.tags().size()
          + " of "
          + plan.totals().tagsDeleted()
          + " tags and "
          + partly.manifests().size()
          + " of "
          + plan.totals().manifestsDeleted()
          + " manifests ("
          + e.getMessage()
          + "); garbage-collect was not run";
    }
    record(done, plan.totals().bytes());
    deleted = !done.tags().isEmpty();
    log.info(
        "retention: deleted "
            + done.tags().size()
            + " tags and "
            + done.manifests().size()
            + " manifests ["
            + Log.seconds((System.nanoTime() - started) / 1e9)
            + "]");
    return null;
  }

  private void record(RetentionDeletion.Deleted done, long bytes) {
    report.counters.setTagsDeleted((long) done.tags().size());
    report.counters.setRetentionManifestsDeleted((long) done.manifests().size());
    report.counters.setRetentionBytes(bytes);
  }

  private static String named(List<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  /**
   * What the report's message starts with: the plan's summary (nothing when the run ended before a
   * plan), whether workloads were looked at, and whether the plan was carried out.
   */
  String messagePrefix() {
    if (plan == null) {
      return "";
    }
    return plan.summary()
        + (request.workloadsChecked() ? "" : " (workloads not checked)")
        + (deleted ? "; retention applied" : "");
  }
}
