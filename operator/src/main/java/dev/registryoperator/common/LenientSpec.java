package dev.registryoperator.common;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A spec read by {@link LenientJson}: reading never fails. What could not be read (a wrong type, an
 * enum value this operator does not know) is left unset and recorded here, field by field, for the
 * validators to report first; the spec as the user wrote it is kept, so a copy made by serializing
 * (the framework clones every primary before reconciling) carries the same problems.
 */
public abstract class LenientSpec {
  @JsonIgnore private List<String> readProblems = List.of();
  @JsonIgnore private JsonNode asWritten;

  /** One line per field that could not be read, naming the field and what was wrong. */
  public List<String> readProblems() {
    return readProblems;
  }

  /** The spec exactly as written, when something in it could not be read; otherwise null. */
  public JsonNode asWritten() {
    return asWritten;
  }

  void recordRead(List<String> problems, JsonNode written) {
    this.readProblems = List.copyOf(problems);
    this.asWritten = problems.isEmpty() ? null : written;
  }
}
