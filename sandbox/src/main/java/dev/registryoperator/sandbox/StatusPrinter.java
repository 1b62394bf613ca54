package dev.registryoperator.sandbox;

import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.registry.Registry;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Prints, as it happens, what {@code kubectl get registries,gcschedules} shows: the tables of
 * {@link StatusTable}, each time one changes, and the current run's message (what it waits for).
 * Polls the API server every 100 ms.
 */
final class StatusPrinter implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final PrintStream out;
  private final Instant origin;
  private final Thread thread;
  private volatile boolean running = true;
  private String lastRegistries = "";
  private String lastSchedules = "";
  private String lastMessages = "";

  StatusPrinter(KubernetesClient client, String namespace, PrintStream out, Instant origin) {
    this.client = client;
    this.namespace = namespace;
    this.out = out;
    this.origin = origin;
    this.thread = new Thread(this::loop, "status-printer");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      try {
        printChanges();
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // the API server is stopping, or a transient error: try again
      }
    }
  }

  synchronized void printChanges() {
    List<Registry> registries =
        client.resources(Registry.class).inNamespace(namespace).list().getItems().stream()
            .sorted(Comparator.comparing(r -> r.getMetadata().getName()))
            .toList();
    List<GcSchedule> schedules =
        client.resources(GcSchedule.class).inNamespace(namespace).list().getItems().stream()
            .sorted(Comparator.comparing(s -> s.getMetadata().getName()))
            .toList();
    String r = registries.isEmpty() ? "" : StatusTable.registries(registries);
    String s = schedules.isEmpty() ? "" : StatusTable.schedules(schedules);
    String m = String.join("\n", StatusTable.runMessages(schedules));
    boolean changed = !r.equals(lastRegistries) || !s.equals(lastSchedules);
    if (changed) {
      StringBuilder text = new StringBuilder();
      text.append(stamp()).append(" $ kubectl get registries,gcschedules\n");
      text.append(indent(r));
      if (!s.isEmpty()) {
        text.append(r.isEmpty() ? "" : "\n").append(indent(s));
      }
      out.print(text);
      lastRegistries = r;
      lastSchedules = s;
    }
    if (!m.isEmpty() && !m.equals(lastMessages)) {
      for (String line : m.split("\n")) {
        out.println(stamp() + "   " + line);
      }
    }
    lastMessages = m;
    out.flush();
  }

  private String stamp() {
    double seconds = Duration.between(origin, Instant.now()).toMillis() / 1000.0;
    return String.format("[%6.1fs]", seconds);
  }

  private static String indent(String table) {
    StringBuilder out = new StringBuilder();
    for (String line : table.split("\n")) {
      out.append("           ").append(line).append('\n');
    }
    return out.toString();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
