package dev.registryoperator.gcreport.retention;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the operator hands the GC runner for retention, as one JSON document (a ConfigMap mounted
 * into the GC Job): the schedule's rules, the time the decision is made for, and the images the
 * cluster runs from this registry. The runner reads the storage and decides with {@link
 * RetentionDecision}.
 *
 * @param now the time {@code keepYoungerThan} is measured from (the operator's clock, so that a
 *     plan and the run after it agree)
 * @param rules the schedule's {@code spec.retention}
 * @param protection the references workloads use, with who uses them
 * @param workloadsChecked false when the operator was told not to look at workloads: then nothing
 *     is protected, and the report says so
 */
public record RetentionRequest(
    Instant now, List<RetentionRule> rules, Protection protection, boolean workloadsChecked) {

  public static final int VERSION = 1;
  private static final JsonFactory JSON = new JsonFactory();

  public RetentionRequest {
    rules = List.copyOf(rules);
    protection = protection == null ? Protection.NONE : protection;
  }

  public String toJson() {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("version", VERSION);
      g.writeStringField("now", now.toString());
      g.writeBooleanField("workloadsChecked", workloadsChecked);
      g.writeArrayFieldStart("rules");
      for (RetentionRule rule : rules) {
        writeRule(g, rule);
      }
      g.writeEndArray();
      g.writeObjectFieldStart("protected");
      for (Map.Entry<String, List<String>> entry : protection.usersByReference().entrySet()) {
        writeStrings(g, entry.getKey(), entry.getValue());
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a retention request", e);
    }
    return out.toString();
  }

  private static void writeRule(JsonGenerator g, RetentionRule rule) throws IOException {
    g.writeStartObject();
    if (rule.repositories() != null) {
      writeStrings(g, "repositories", rule.repositories());
    }
    if (rule.excludeRepositories() != null) {
      writeStrings(g, "excludeRepositories", rule.excludeRepositories());
    }
    if (rule.tagPattern() != null) {
      g.writeStringField("tagPattern", rule.tagPattern());
    }
    if (rule.keepTagPattern() != null) {
      g.writeStringField("keepTagPattern", rule.keepTagPattern());
    }
    if (rule.keepLatest() != null) {
      g.writeNumberField("keepLatest", rule.keepLatest());
    }
    if (rule.keepYoungerThan() != null) {
      g.writeStringField("keepYoungerThan", rule.keepYoungerThan());
    }
    g.writeEndObject();
  }

  private static void writeStrings(JsonGenerator g, String name, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (String value : values) {
      g.writeString(value);
    }
    g.writeEndArray();
  }

  /**
   * Reads a request written by {@link #toJson}. Keys it does not know are skipped.
   *
   * @throws IOException when the text is not a request of a version this code reads
   */
  public static RetentionRequest parse(String json) throws IOException {
    Instant now = null;
    Integer version = null;
    boolean workloadsChecked = false;
    List<RetentionRule> rules = new ArrayList<>();
    Map<String, List<String>> protectedReferences = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a retention request is a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "version" -> version = value.isNumeric() ? p.getIntValue() : null;
          case "now" -> now = Instant.parse(p.getText());
          case "workloadsChecked" -> workloadsChecked = value == JsonToken.VALUE_TRUE;
          case "rules" -> {
            expect(p, JsonToken.START_ARRAY, "rules");
            while (p.nextToken() == JsonToken.START_OBJECT) {
              rules.add(readRule(p));
            }
          }
          case "protected" -> {
            expect(p, JsonToken.START_OBJECT, "protected");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String reference = p.currentName();
              p.nextToken();
              protectedReferences.put(reference, readStrings(p, reference));
            }
          }
          default -> p.skipChildren();
        }
      }
    } catch (DateTimeParseException e) {
      throw new IOException("retention request: now is not a time: " + e.getMessage(), e);
    }
    if (version == null || version != VERSION) {
      throw new IOException("retention request of version " + version + ", expected " + VERSION);
    }
    if (now == null) {
      throw new IOException("retention request without now");
    }
    return new RetentionRequest(now, rules, new Protection(protectedReferences), workloadsChecked);
  }

  private static RetentionRule readRule(JsonParser p) throws IOException {
    List<String> repositories = null;
    List<String> excludes = null;
    String tagPattern = null;
    String keepTagPattern = null;
    Integer keepLatest = null;
    String keepYoungerThan = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "repositories" -> repositories = readStrings(p, name);
        case "excludeRepositories" -> excludes = readStrings(p, name);
        case "tagPattern" -> tagPattern = p.getText();
        case "keepTagPattern" -> keepTagPattern = p.getText();
        case "keepLatest" -> keepLatest = value.isNumeric() ? p.getIntValue() : null;
        case "keepYoungerThan" -> keepYoungerThan = p.getText();
        default -> p.skipChildren();
      }
    }
    return new RetentionRule(
        repositories, excludes, tagPattern, keepTagPattern, keepLatest, keepYoungerThan);
  }

  private static List<String> readStrings(JsonParser p, String name) throws IOException {
    expect(p, JsonToken.START_ARRAY, name);
    List<String> values = new ArrayList<>();
    while (p.nextToken() == JsonToken.VALUE_STRING) {
      values.add(p.getText());
    }
    if (p.currentToken() != JsonToken.END_ARRAY) {
      throw new IOException(name + ": a list of strings");
    }
    return values;
  }

  private static void expect(JsonParser p, JsonToken token, String name) throws IOException {
    if (p.currentToken() != token) {
      throw new IOException(name + ": expected " + token + ", found " + p.currentToken());
    }
  }
}
