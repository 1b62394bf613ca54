package dev.registryoperator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The test JVM's logging configured from the operator's own logback.xml, with variables as the
 * environment gives them in a container (LOG_FORMAT, LOG_LEVEL), and what it writes to standard
 * error captured (still passed on). Closing restores standard error and the configuration the JVM
 * started with.
 */
public final class CapturedLogs implements AutoCloseable {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final PrintStream originalErr;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final List<Status> configurationStatus;

  private CapturedLogs(Map<String, String> variables) {
    originalErr = System.err;
    configurationStatus = configureLogback(variables);
    System.setErr(new PrintStream(new Tee(originalErr, captured), true, StandardCharsets.UTF_8));
  }

  /** Logback configured from logback.xml with {@code variables}; standard error captured. */
  public static CapturedLogs configure(Map<String, String> variables) {
    return new CapturedLogs(variables);
  }

  /** What configuring logback said at level WARN or above (logback prints them all at start). */
  public List<String> configurationProblems() {
    return configurationStatus.stream()
        .filter(s -> s.getEffectiveLevel() >= Status.WARN)
        .map(Status::getMessage)
        // another test's thread logging while the configuration is reset (a shared JVM), not a
        // problem of the configuration
        .filter(m -> !m.startsWith("No appenders present in context"))
        .toList();
  }

  /** The lines written to standard error so far. */
  public List<String> lines() {
    return linesOf("");
  }

  /**
   * The lines of the loggers whose name contains {@code logger} written to standard error so far,
   * with the stack trace lines that follow them: other tests in the same JVM may still log (a
   * client closing its WebSocket), and their lines are not the test's.
   */
  public List<String> linesOf(String logger) {
    String all;
    synchronized (captured) {
      all = captured.toString(StandardCharsets.UTF_8);
    }
    List<String> lines = new java.util.ArrayList<>();
    boolean keeping = false;
    for (String line : all.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("{") || HEADER.matcher(line).find()) {
        keeping = line.contains(logger);
      }
      if (keeping) {
        lines.add(line);
      }
    }
    return lines;
  }

  /** The start of a text line: a timestamp, then a level. */
  private static final java.util.regex.Pattern HEADER =
      java.util.regex.Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\S+ [A-Z]+ ");

  /** Every line, each parsed as exactly one JSON object (fails on a line that is not). */
  public List<JsonNode> jsonLines() {
    return lines().stream().map(CapturedLogs::parseObject).toList();
  }

  public static JsonNode parseObject(String line) {
    try {
      JsonNode node = JSON.readTree(line);
      assertThat(node.isObject()).as("one JSON object: %s", line).isTrue();
      return node;
    } catch (IOException e) {
      throw new AssertionError("not one JSON object: " + line, e);
    }
  }

  @Override
  public void close() {
    System.setErr(originalErr);
    configureLogback(Map.of());
  }

  private static List<Status> configureLogback(Map<String, String> variables) {
    URL config = CapturedLogs.class.getResource("/logback.xml");
    assertThat(config).as("the operator's logback.xml").isNotNull();
    assertThat(config.getProtocol())
        .as("logback.xml of the operator, not of a jar")
        .isEqualTo("file");
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    context.getStatusManager().clear();
    variables.forEach(context::putProperty);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(config);
    } catch (JoranException e) {
      throw new IllegalStateException(e);
    }
    return context.getStatusManager().getCopyOfStatusList();
  }

  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final ByteArrayOutputStream second;

    Tee(OutputStream first, ByteArrayOutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      synchronized (second) {
        second.write(b, off, len);
      }
      try {
        first.write(b, off, len);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void flush() throws IOException {
      first.flush();
    }
  }
}
