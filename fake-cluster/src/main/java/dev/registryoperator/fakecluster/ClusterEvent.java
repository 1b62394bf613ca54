package dev.registryoperator.fakecluster;

import java.time.Instant;

/**
 * One thing the {@link FakeCluster} observed or did. {@link #line()} is what tests assert on, e.g.
 * {@code "pod r-7c9f8d6b5-x2k4q terminating"}; {@code owner} ("Deployment/r", "Job/gc-1") and
 * {@code detail} are for filtering and reading.
 */
public record ClusterEvent(
    long seq, Instant at, String kind, String name, String what, String owner, String detail) {

  public String line() {
    return kind + " " + name + " " + what;
  }

  @Override
  public String toString() {
    return seq
        + " "
        + at
        + " "
        + line()
        + (owner == null ? "" : " [" + owner + "]")
        + (detail == null ? "" : " (" + detail + ")");
  }
}
