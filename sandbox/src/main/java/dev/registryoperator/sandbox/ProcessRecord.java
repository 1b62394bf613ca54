package dev.registryoperator.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One container process the sandbox started for a pod, with what happened to it. Times are this
 * machine's clock; a field is null until its event happened.
 */
public final class ProcessRecord {
  /** What the pod is: a registry pod (of a Deployment) or a GC Job pod. */
  public enum Kind {
    Registry,
    Job
  }

  private final Kind kind;
  private final String namespace;
  private final String pod;
  private final String uid;
  private final String owner;
  private final List<String> command;
  private final Path log;
  private final Path terminationMessage;
  private final Map<String, Path> claims;
  private volatile long pid = -1;
  private volatile Instant startedAt;
  private volatile Instant readyAt;
  private volatile Instant stopRequestedAt;
  private volatile Instant exitedAt;
  private volatile Integer exitCode;

  ProcessRecord(
      Kind kind,
      String namespace,
      String pod,
      String uid,
      String owner,
      List<String> command,
      Path log,
      Path terminationMessage,
      Map<String, Path> claims) {
    this.kind = kind;
    this.namespace = namespace;
    this.pod = pod;
    this.uid = uid;
    this.owner = owner;
    this.command = List.copyOf(command);
    this.log = log;
    this.terminationMessage = terminationMessage;
    this.claims = Map.copyOf(claims);
  }

  public Kind kind() {
    return kind;
  }

  public String namespace() {
    return namespace;
  }

  public String pod() {
    return pod;
  }

  public String uid() {
    return uid;
  }

  /** The controlling object, {@code Deployment/<name>} or {@code Job/<name>}, or null. */
  public String owner() {
    return owner;
  }

  /** The command line as run here (paths mapped to this machine). */
  public List<String> command() {
    return command;
  }

  /** stdout and stderr of the container. */
  public Path log() {
    return log;
  }

  /** The local file behind the container's terminationMessagePath (the GC runner's report). */
  public Path terminationMessage() {
    return terminationMessage;
  }

  /** The local directories of the claims the pod mounts, by claim name. */
  public Map<String, Path> claims() {
    return claims;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public Instant readyAt() {
    return readyAt;
  }

  public Instant stopRequestedAt() {
    return stopRequestedAt;
  }

  public Instant exitedAt() {
    return exitedAt;
  }

  public Integer exitCode() {
    return exitCode;
  }

  public boolean alive() {
    return startedAt != null && exitedAt == null;
  }

  /** Whether the process was alive at some moment of [from, to]. */
  public boolean aliveDuring(Instant from, Instant to) {
    return startedAt != null
        && !startedAt.isAfter(to)
        && (exitedAt == null || !exitedAt.isBefore(from));
  }

  public Optional<Duration> wallTime() {
    return startedAt == null || exitedAt == null
        ? Optional.empty()
        : Optional.of(Duration.between(startedAt, exitedAt));
  }

  void started(long pid, Instant at) {
    this.pid = pid;
    this.startedAt = at;
  }

  void ready(Instant at) {
    if (readyAt == null) {
      readyAt = at;
    }
  }

  void stopRequested(Instant at) {
    if (stopRequestedAt == null) {
      stopRequestedAt = at;
    }
  }

  void exited(int code, Instant at) {
    this.exitCode = code;
    this.exitedAt = at;
  }

  @Override
  public String toString() {
    return kind
        + " "
        + namespace
        + "/"
        + pod
        + " pid "
        + pid
        + " started "
        + startedAt
        + (exitedAt == null ? " running" : " exited " + exitCode + " at " + exitedAt);
  }
}
