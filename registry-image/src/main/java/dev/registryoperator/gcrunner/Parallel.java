package dev.registryoperator.gcrunner;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.function.IntConsumer;

/**
 * A small pool of daemon threads for file-system work (stat, small reads): mostly waiting on
 * syscalls.
 */
public final class Parallel implements AutoCloseable {
  private final ExecutorService pool;
  private final int threads;

  public Parallel() {
    this(Math.max(4, Math.min(16, 2 * Runtime.getRuntime().availableProcessors())));
  }

  public Parallel(int threads) {
    this.threads = threads;
    ThreadFactory factory =
        runnable -> {
          Thread thread = new Thread(runnable, "gc-runner-io");
          thread.setDaemon(true);
          return thread;
        };
    this.pool = Executors.newFixedThreadPool(threads, factory);
  }

  public ExecutorService executor() {
    return pool;
  }

  /** Runs {@code body} for every index in {@code [0, count)}, in chunks spread over the pool. */
  public void forEachIndex(int count, IntConsumer body) {
    if (count == 0) {
      return;
    }
    int chunks = Math.min(threads, Math.max(1, count / 64));
    if (chunks == 1) {
      for (int i = 0; i < count; i++) {
        body.accept(i);
      }
      return;
    }
    List<Future<?>> futures = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
      int from = (int) ((long) count * c / chunks);
      int to = (int) ((long) count * (c + 1) / chunks);
      futures.add(
          pool.submit(
              () -> {
                for (int i = from; i < to; i++) {
                  body.accept(i);
                }
              }));
    }
    for (Future<?> future : futures) {
      try {
        future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
