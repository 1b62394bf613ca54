package dev.registryoperator.gcreport;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The GC runner's report: one compact JSON object with a fixed key order, at most {@link
 * #MAX_BYTES} bytes (the Kubernetes termination message holds 4096), written by the runner to its
 * termination-message path and read by the operator from the Job pod's status. See
 * registry-image/README.md for every key.
 *
 * <p>Versions: 1 wrote the result words {@code ConfigError}, {@code Failed}, {@code Refused},
 * {@code IntegrityFailed}; 2 writes the {@link GcOutcome} names. {@link #parse} reads both, and
 * ignores keys it does not know, so a newer runner stays readable.
 */
public final class GcReport {
  public static final int VERSION = 2;

  /** Below the 4 KiB termination-message limit, with room to spare. */
  public static final int MAX_BYTES = 4000;

  /** How long a message may stay when the report is too big, before missing digests are dropped. */
  private static final int SHORT_MESSAGE_BYTES = 1024;

  private static final int MAX_SHORT_STRING = 64;
  private static final JsonFactory JSON = new JsonFactory();

  /** The format version: {@link #VERSION} when written here, what the report said when read. */
  public int version = VERSION;

  /** How the run ended; null when a report read names an outcome this version does not know. */
  public GcOutcome outcome = GcOutcome.Succeeded;

  /** The exit code a report read states; the outcome's when written here. */
  public Integer exitCode;

  public String message = "";
  public boolean dryRun;
  public boolean deleteUntagged;
  public String storageDriver = "";
  public String registryVersion = "unknown";

  /** The figures, shared with the operator's status (never null). */
  public GcCounters counters = GcCounters.zero();

  public double durationSeconds;
  public IntegrityResult integrity = IntegrityResult.NOT_CHECKED;

  /** The exit code: the report's own when read, the outcome's otherwise. */
  public Integer exitCode() {
    if (exitCode != null) {
      return exitCode;
    }
    return outcome == null ? null : outcome.exitCode();
  }

  public GcReport outcome(GcOutcome outcome, String message) {
    this.outcome = outcome;
    this.message = message == null ? "" : message;
    return this;
  }

  /**
   * The JSON. When it would exceed {@link #MAX_BYTES}: the message is first cut to {@link
   * #SHORT_MESSAGE_BYTES}, then missing digests are dropped from the end, then the message is cut
   * further.
   */
  public String toJson() {
    List<String> missing = new ArrayList<>(integrity.missingDigests());
    String text = message;
    String json = render(text, missing);
    if (size(json) <= MAX_BYTES) {
      return json;
    }
    if (text.getBytes(UTF_8).length > SHORT_MESSAGE_BYTES) {
      text = cut(text, SHORT_MESSAGE_BYTES);
      json = render(text, missing);
    }
    while (size(json) > MAX_BYTES && !missing.isEmpty()) {
      missing.remove(missing.size() - 1);
      json = render(text, missing);
    }
    if (size(json) > MAX_BYTES) {
      // Escapes (quotes, control characters) can make the JSON much longer than the text: search
      // the
      // longest prefix that fits.
      int fits = 0;
      int tooLong = text.length();
      while (tooLong - fits > 1) {
        int middle = (fits + tooLong) >>> 1;
        if (size(render(prefix(text, middle), missing)) <= MAX_BYTES) {
          fits = middle;
        } else {
          tooLong = middle;
        }
      }
      json = render(prefix(text, fits), missing);
    }
    return json;
  }

  private static String prefix(String text, int end) {
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return end == 0 ? "" : text.substring(0, end) + "...";
  }

  /**
   * The longest prefix of {@code text} of at most {@code maxBytes} UTF-8 bytes, followed by "...".
   */
  private static String cut(String text, int maxBytes) {
    int bytes = 0;
    int end = 0;
    while (end < text.length()) {
      int codePoint = text.codePointAt(end);
      int length = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
      if (bytes + length > maxBytes) {
        break;
      }
      bytes += length;
      end += Character.charCount(codePoint);
    }
    return text.substring(0, end) + "...";
  }

  private static int size(String json) {
    return json.getBytes(UTF_8).length;
  }

  private String render(String text, List<String> missing) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("version", VERSION);
      g.writeStringField("result", outcome.result());
      g.writeNumberField("exitCode", outcome.exitCode());
      g.writeStringField("message", text);
      g.writeBooleanField("dryRun", dryRun);
      g.writeBooleanField("deleteUntagged", deleteUntagged);
      g.writeStringField("storageDriver", shorten(storageDriver));
      g.writeStringField("registryVersion", shorten(registryVersion));
      counters.writeFields(g);
      g.writeFieldName("durationSeconds");
      g.writeNumber(BigDecimal.valueOf(durationSeconds).setScale(3, RoundingMode.HALF_UP));
      g.writeObjectFieldStart("integrity");
      g.writeBooleanField("checked", integrity.checked());
      g.writeNumberField("manifests", integrity.manifests());
      g.writeNumberField("blobs", integrity.blobs());
      g.writeNumberField("missing", integrity.missing());
      g.writeArrayFieldStart("missingDigests");
      for (String digest : missing) {
        g.writeString(digest);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(UTF_8);
  }

  private static String shorten(String value) {
    if (value == null) {
      return "";
    }
    return value.length() <= MAX_SHORT_STRING ? value : value.substring(0, MAX_SHORT_STRING);
  }

  /**
   * The report in a termination message, or empty when the message is not one (a crash's log tail,
   * text that is not a JSON object, an object without {@code version}). Keys it does not know are
   * skipped.
   */
  public static Optional<GcReport> parse(String terminationMessage) {
    if (terminationMessage == null || !terminationMessage.strip().startsWith("{")) {
      return Optional.empty();
    }
    GcReport report = new GcReport();
    report.outcome = null;
    report.message = null;
    report.counters = new GcCounters(); // a figure the report leaves out stays unknown (null)
    String result = null;
    boolean versioned = false;
    try (JsonParser p = JSON.createParser(terminationMessage.strip())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "version" -> {
            versioned = value.isNumeric();
            report.version = versioned ? p.getIntValue() : 0;
          }
          case "result" -> result = text(p);
          case "exitCode" -> report.exitCode = value.isNumeric() ? p.getIntValue() : null;
          case "message" -> report.message = text(p);
          case "dryRun" -> report.dryRun = value == JsonToken.VALUE_TRUE;
          case "deleteUntagged" -> report.deleteUntagged = value == JsonToken.VALUE_TRUE;
          case "storageDriver" -> report.storageDriver = text(p);
          case "registryVersion" -> report.registryVersion = text(p);
          case "durationSeconds" ->
              report.durationSeconds = value.isNumeric() ? p.getDoubleValue() : 0;
          case "integrity" -> report.integrity = readIntegrity(p);
          default -> {
            if (!report.counters.readField(name, p)) {
              p.skipChildren();
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    if (!versioned) {
      return Optional.empty();
    }
    report.outcome =
        report.exitCode != null
            ? GcOutcome.ofExitCode(report.exitCode).orElse(null)
            : GcOutcome.ofResult(result).orElse(null);
    return Optional.of(report);
  }

  private static String text(JsonParser p) throws IOException {
    return p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : null;
  }

  private static IntegrityResult readIntegrity(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return IntegrityResult.NOT_CHECKED;
    }
    boolean checked = false;
    long manifests = 0;
    long blobs = 0;
    long missing = 0;
    List<String> digests = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "checked" -> checked = value == JsonToken.VALUE_TRUE;
        case "manifests" -> manifests = value.isNumeric() ? p.getLongValue() : 0;
        case "blobs" -> blobs = value.isNumeric() ? p.getLongValue() : 0;
        case "missing" -> missing = value.isNumeric() ? p.getLongValue() : 0;
        case "missingDigests" -> {
          if (value == JsonToken.START_ARRAY) {
            while (p.nextToken() != JsonToken.END_ARRAY) {
              if (p.currentToken() == JsonToken.VALUE_STRING) {
                digests.add(p.getText());
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    return new IntegrityResult(checked, manifests, blobs, missing, digests);
  }
}
