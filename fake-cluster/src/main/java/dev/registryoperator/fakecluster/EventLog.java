package dev.registryoperator.fakecluster;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The time-ordered record of what the {@link FakeCluster} observed and did. Entries are appended on
 * the cluster's single logic thread: the stand-in's own actions right after the API call returned,
 * other parties' changes when the watch delivered them. Safe to read from any thread.
 */
public final class EventLog {
  private final List<ClusterEvent> events = new CopyOnWriteArrayList<>();
  private final AtomicLong seq = new AtomicLong();

  void add(String kind, String name, String what, String owner, String detail) {
    events.add(
        new ClusterEvent(seq.incrementAndGet(), Instant.now(), kind, name, what, owner, detail));
  }

  public List<ClusterEvent> events() {
    return List.copyOf(events);
  }

  /** All lines, e.g. {@code ["deployment r created", "pod r-abc-x1y2z created", ...]}. */
  public List<String> lines() {
    return events.stream().map(ClusterEvent::line).toList();
  }

  /**
   * Lines of events about one owner's objects ("Deployment/r"), plus those about the owner itself.
   */
  public List<String> linesFor(String kind, String name) {
    String owner = kind + "/" + name;
    String self = kind.toLowerCase() + " " + name + " ";
    return events.stream()
        .filter(e -> owner.equals(e.owner()) || e.line().startsWith(self))
        .map(ClusterEvent::line)
        .toList();
  }

  public List<String> linesMatching(String regex) {
    Pattern p = Pattern.compile(regex);
    return lines().stream().filter(l -> p.matcher(l).matches()).toList();
  }

  public boolean contains(String line) {
    return indexOf(line) >= 0;
  }

  /** Index of the first event with exactly this line, or -1. */
  public int indexOf(String line) {
    return lines().indexOf(line);
  }

  /** Index of the first event whose line matches the regex, or -1. */
  public int indexOfFirstMatch(String regex) {
    List<String> lines = lines();
    Pattern p = Pattern.compile(regex);
    for (int i = 0; i < lines.size(); i++) {
      if (p.matcher(lines.get(i)).matches()) {
        return i;
      }
    }
    return -1;
  }

  /** Index of the last event whose line matches the regex, or -1. */
  public int indexOfLastMatch(String regex) {
    List<String> lines = lines();
    Pattern p = Pattern.compile(regex);
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (p.matcher(lines.get(i)).matches()) {
        return i;
      }
    }
    return -1;
  }

  /** Everything, one event a line, for assertion messages. */
  public String dump() {
    return events.stream().map(ClusterEvent::toString).collect(Collectors.joining("\n"));
  }
}
