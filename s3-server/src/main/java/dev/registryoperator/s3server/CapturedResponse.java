package dev.registryoperator.s3server;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A response whose body is kept in memory instead of sent, so that a handler in front can read and
 * amend it before it goes out; status and headers still go to the wrapped response.
 */
final class CapturedResponse extends HttpServletResponseWrapper {
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private PrintWriter writer;
  private ServletOutputStream stream;

  CapturedResponse(HttpServletResponse response) {
    super(response);
  }

  /** The body written so far (the writer flushed first). */
  byte[] body() {
    if (writer != null) {
      writer.flush();
    }
    return body.toByteArray();
  }

  @Override
  public PrintWriter getWriter() {
    if (writer == null) {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
      writer = new PrintWriter(new OutputStreamWriter(body, charset));
    }
    return writer;
  }

  @Override
  public ServletOutputStream getOutputStream() {
    if (stream == null) {
      stream =
          new ServletOutputStream() {
            @Override
            public void write(int b) {
              body.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
              body.write(b, off, len);
            }

            @Override
            public boolean isReady() {
              return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
              throw new UnsupportedOperationException("blocking writes only");
            }
          };
    }
    return stream;
  }

  @Override
  public void flushBuffer() {
    // nothing is sent before the handler in front has seen the whole body
  }

  @Override
  public void setContentLength(int length) {
    // the handler in front sets the length of the body it sends
  }

  @Override
  public void setContentLengthLong(long length) {
    // the handler in front sets the length of the body it sends
  }
}
