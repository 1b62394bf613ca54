package dev.registryoperator.gcrunner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads a child process's output line by line, in batches: after a read that emptied the pipe it
 * pauses briefly, so that a process writing one line per syscall (as the registry does) wakes this
 * thread a few hundred times instead of once per line. A pipe holds 64 KiB, far more than the
 * registry writes in one pause.
 */
final class PipeReader implements Runnable {
  private static final long PAUSE_MILLIS = 2;

  private final InputStream in;
  private final Consumer<String> lines;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

  PipeReader(InputStream in, Consumer<String> lines) {
    this.in = in;
    this.lines = lines;
  }

  @Override
  public void run() {
    byte[] buffer = new byte[1 << 16];
    try (in) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        split(buffer, read);
        if (read < buffer.length) {
          Thread.sleep(PAUSE_MILLIS);
        }
      }
    } catch (IOException e) {
      // The process went away; its exit code tells the rest.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (partial.size() > 0) {
      emit(partial.toByteArray(), 0, partial.size());
    }
  }

  private void split(byte[] buffer, int length) {
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (buffer[i] == '\n') {
        if (partial.size() > 0) {
          partial.write(buffer, start, i - start);
          emit(partial.toByteArray(), 0, partial.size());
          partial.reset();
        } else {
          emit(buffer, start, i - start);
        }
        start = i + 1;
      }
    }
    partial.write(buffer, start, length - start);
  }

  private void emit(byte[] bytes, int offset, int length) {
    if (length > 0 && bytes[offset + length - 1] == '\r') {
      length--;
    }
    lines.accept(new String(bytes, offset, length, StandardCharsets.UTF_8));
  }
}
