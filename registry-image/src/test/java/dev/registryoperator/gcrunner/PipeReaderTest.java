package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipeReaderTest {
  @Test
  void splitsLinesAcrossReadsAndKeepsTheLastUnterminatedOne() {
    String text = "first\r\nsecond line é\n\nfailed to garbage collect: no newline at the end";
    List<String> lines = new ArrayList<>();

    new PipeReader(new TrickleStream(text.getBytes(StandardCharsets.UTF_8), 3), lines::add).run();

    assertThat(lines)
        .containsExactly(
            "first", "second line é", "", "failed to garbage collect: no newline at the end");
  }

  @Test
  void emptyStream() {
    List<String> lines = new ArrayList<>();
    new PipeReader(new ByteArrayInputStream(new byte[0]), lines::add).run();
    assertThat(lines).isEmpty();
  }

  /** Hands out at most {@code chunk} bytes per read, as a pipe may. */
  private static final class TrickleStream extends InputStream {
    private final byte[] data;
    private final int chunk;
    private int position;

    TrickleStream(byte[] data, int chunk) {
      this.data = data;
      this.chunk = chunk;
    }

    @Override
    public int read() {
      return position < data.length ? data[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (position >= data.length) {
        return -1;
      }
      int n = Math.min(Math.min(chunk, length), data.length - position);
      System.arraycopy(data, position, buffer, offset, n);
      position += n;
      return n;
    }
  }
}
