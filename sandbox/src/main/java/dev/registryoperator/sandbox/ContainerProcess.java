package dev.registryoperator.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One container's main process, started in a session (and process group) of its own with {@code
 * setsid}, so that signals reach every process it started, as they would inside a container: {@link
 * #terminate()} sends SIGTERM to the group, {@link #kill()} SIGKILL. Children that outlive the main
 * process (reparented to init) stay in the group and are killed with it. Signals go through {@link
 * ProcessHandle} to every member of the group as /proc lists it (no kill(1) needed). Where {@code
 * setsid} is missing, the process and its known descendants are signalled instead.
 */
final class ContainerProcess {
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private final Process process;
  private final boolean ownGroup;

  private ContainerProcess(Process process, boolean ownGroup) {
    this.process = process;
    this.ownGroup = ownGroup;
  }

  /**
   * Starts {@code command} with exactly {@code environment}, in {@code directory}, output appended
   * to {@code log}.
   */
  static ContainerProcess start(
      List<String> command, Map<String, String> environment, Path directory, Path log)
      throws IOException {
    List<String> argv = new ArrayList<>();
    boolean setsid = Files.isExecutable(SETSID);
    if (setsid) {
      argv.add(SETSID.toString());
    }
    argv.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(argv)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process process = builder.start();
    return new ContainerProcess(process, setsid && becomesGroupLeader(process));
  }

  /**
   * Whether the process now leads a process group of its own: {@code setsid} calls setsid(2) right
   * after it starts (without forking, as a fresh child of this JVM is never a group leader), so
   * give it a moment.
   */
  private static boolean becomesGroupLeader(Process process) {
    long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    while (System.nanoTime() < deadline) {
      long group = groupOf(process.pid());
      if (group == process.pid()) {
        return true;
      }
      if (group < 0 && !process.isAlive()) {
        return true; // exited already: setsid(2) came first, or nothing of it is left to signal
        // anyway
      }
      Thread.onSpinWait();
    }
    return false;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int exitValue() {
    return process.exitValue();
  }

  CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGTERM to every process of the container. */
  void terminate() {
    signal(false);
  }

  /**
   * SIGKILL to every process of the container, including those left after the main process exited.
   */
  void kill() {
    signal(true);
  }

  /**
   * Whether some process of the container is still alive (its main process or a leftover child).
   */
  boolean groupAlive() {
    if (process.isAlive()) {
      return true;
    }
    if (!ownGroup) {
      return process.descendants().anyMatch(ProcessHandle::isAlive);
    }
    return !groupMembers().isEmpty();
  }

  private void signal(boolean kill) {
    if (!ownGroup) {
      List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
      tree.add(0, process.toHandle());
      tree.forEach(h -> send(h, kill));
      return;
    }
    // For SIGKILL: again until none is left, in case one forked meanwhile.
    for (int round = 0; round < (kill ? 20 : 1); round++) {
      List<ProcessHandle> members = groupMembers();
      if (members.isEmpty()) {
        return;
      }
      members.forEach(h -> send(h, kill));
      if (kill) {
        members.forEach(h -> h.onExit().completeOnTimeout(h, 100, TimeUnit.MILLISECONDS).join());
      }
    }
  }

  private static void send(ProcessHandle handle, boolean kill) {
    if (kill) {
      handle.destroyForcibly();
    } else {
      handle.destroy();
    }
  }

  /** Live members of the container's process group (zombies, already dead, excluded). */
  private List<ProcessHandle> groupMembers() {
    long pgid = process.pid();
    return ProcessHandle.allProcesses()
        .filter(
            h -> {
              String[] stat = stat(h.pid());
              return stat != null
                  && !"Z".equals(stat[0])
                  && !"X".equals(stat[0])
                  && Long.parseLong(stat[2]) == pgid;
            })
        .toList();
  }

  /** The process group of a process, from /proc (Linux); -1 when it cannot be told. */
  static long groupOf(long pid) {
    String[] stat = stat(pid);
    return stat == null ? -1 : Long.parseLong(stat[2]);
  }

  /**
   * The fields of /proc/<pid>/stat after the command name: state, ppid, pgrp, ...; null if
   * unreadable.
   */
  private static String[] stat(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
