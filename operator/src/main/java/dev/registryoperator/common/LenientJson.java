package dev.registryoperator.common;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.jsonFormatVisitors.JsonFormatVisitorWrapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a custom resource's spec or status without ever failing. One object this operator cannot
 * read (a CRD newer or older than the operator, an API server that enforces no schema) must not
 * stop the informer, and with it the whole operator: unknown fields are ignored, and a value of the
 * wrong type or an unknown enum value is left unset and recorded as a problem naming the field.
 */
public final class LenientJson {
  private static final Logger LOG = LoggerFactory.getLogger(LenientJson.class);
  private static final ObjectMapper FALLBACK = new ObjectMapper();

  private LenientJson() {}

  /** What was read, and one line per field that could not be. */
  public record Read<T>(T value, List<String> problems) {}

  /**
   * Reads {@code node} as {@code type} under the path {@code root} (for example "spec"). Never
   * throws.
   */
  public static <T> Read<T> read(ObjectMapper mapper, JsonNode node, Class<T> type, String root) {
    List<String> problems = new ArrayList<>();
    if (node == null || node.isNull() || node.isMissingNode()) {
      return new Read<>(null, problems);
    }
    if (!node.isObject()) {
      problems.add(root + ": expected an object, got " + describe(node));
      return new Read<>(newInstance(type), problems);
    }
    ObjectNode readable = ((ObjectNode) node).deepCopy();
    T value = tryRead(mapper, readable, type, root, problems);
    if (value == null) {
      // Something failed outside the problem handler: drop the top-level fields that fail on their
      // own.
      problems.clear();
      for (Iterator<Map.Entry<String, JsonNode>> fields = readable.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        ObjectNode alone = mapper.createObjectNode().set(field.getKey(), field.getValue());
        List<String> own = new ArrayList<>();
        if (tryRead(mapper, alone, type, root, own) == null) {
          fields.remove();
          problems.add(
              own.isEmpty() ? root + "." + field.getKey() + ": cannot be read" : own.get(0));
        }
      }
      List<String> rest = new ArrayList<>();
      value = tryRead(mapper, readable, type, root, rest);
      problems.addAll(rest);
      if (value == null) {
        value = newInstance(type);
      }
    }
    return new Read<>(value, problems.stream().distinct().toList());
  }

  /**
   * The value read, or null when reading failed outside the handler (then {@code problems} says
   * why).
   */
  private static <T> T tryRead(
      ObjectMapper mapper, ObjectNode node, Class<T> type, String root, List<String> problems) {
    try {
      T value =
          mapper
              .readerFor(type)
              .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .with(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
              .withHandler(new Recorder(root, problems))
              .readValue(node);
      return value == null ? newInstance(type) : value;
    } catch (JsonMappingException e) {
      problems.add(path(root, e.getPath()) + ": " + e.getOriginalMessage());
      return null;
    } catch (IOException | RuntimeException e) {
      problems.add(root + ": " + e.getMessage());
      return null;
    }
  }

  private static <T> T newInstance(Class<T> type) {
    try {
      return type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(type + " needs a public no-argument constructor", e);
    }
  }

  /** Records each value that cannot be read, skips it, and goes on. */
  private static final class Recorder extends DeserializationProblemHandler {
    private final String root;
    private final List<String> problems;

    Recorder(String root, List<String> problems) {
      this.root = root;
      this.problems = problems;
    }

    @Override
    public boolean handleUnknownProperty(
        DeserializationContext ctxt,
        JsonParser p,
        JsonDeserializer<?> deserializer,
        Object beanOrClass,
        String propertyName)
        throws IOException {
      p.skipChildren();
      return true; // tolerated: a newer CRD may have fields this operator does not know
    }

    @Override
    public Object handleWeirdStringValue(
        DeserializationContext ctxt, Class<?> targetType, String value, String failureMsg) {
      problems.add(
          path(root, ctxt.getParser()) + ": '" + value + "' is not " + expected(targetType));
      return null;
    }

    @Override
    public Object handleWeirdNumberValue(
        DeserializationContext ctxt, Class<?> targetType, Number value, String failureMsg) {
      problems.add(path(root, ctxt.getParser()) + ": " + value + " is not " + expected(targetType));
      return null;
    }

    @Override
    public Object handleWeirdKey(
        DeserializationContext ctxt, Class<?> rawKeyType, String keyValue, String failureMsg) {
      problems.add(
          path(root, ctxt.getParser()) + ": key '" + keyValue + "' is not " + expected(rawKeyType));
      return null;
    }

    @Override
    public Object handleUnexpectedToken(
        DeserializationContext ctxt,
        JavaType targetType,
        JsonToken t,
        JsonParser p,
        String failureMsg)
        throws IOException {
      return skip(p, targetType.getRawClass(), t);
    }

    @Override
    public Object handleMissingInstantiator(
        DeserializationContext ctxt,
        Class<?> instClass,
        ValueInstantiator valueInsta,
        JsonParser p,
        String msg)
        throws IOException {
      return skip(p, instClass, p.currentToken());
    }

    @Override
    public Object handleInstantiationProblem(
        DeserializationContext ctxt, Class<?> instClass, Object argument, Throwable t) {
      problems.add(
          path(root, ctxt.getParser())
              + ": cannot be read as "
              + expected(instClass)
              + ": "
              + t.getMessage());
      return null;
    }

    private Object skip(JsonParser p, Class<?> target, JsonToken token) throws IOException {
      String found = describe(token, p);
      String where = path(root, p);
      p.skipChildren();
      problems.add(where + ": expected " + expected(target) + ", got " + found);
      return null;
    }
  }

  private static String expected(Class<?> type) {
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(Object::toString)
              .collect(Collectors.joining(", "));
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Integer.class
        || type == int.class
        || type == Long.class
        || type == long.class
        || type == Short.class) {
      return "an integer";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "a boolean (true or false)";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    return "an object";
  }

  private static String describe(JsonToken token, JsonParser p) throws IOException {
    if (token == null) {
      return "nothing";
    }
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "a list";
      case VALUE_STRING -> "the string '" + p.getText() + "'";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + p.getText();
      case VALUE_TRUE, VALUE_FALSE -> "the boolean " + p.getText();
      case VALUE_NULL -> "null";
      default -> token.asString() == null ? token.name() : token.asString();
    };
  }

  private static String describe(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "a list";
      case STRING -> "the string '" + node.asText() + "'";
      case NUMBER -> "the number " + node.asText();
      case BOOLEAN -> "the boolean " + node.asText();
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** The parser's position as a field path: spec.schedule, spec.tolerations[1].effect. */
  private static String path(String root, JsonParser p) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        parts.push("." + c.getCurrentName());
      } else if (c.inArray() && c.hasCurrentIndex()) {
        parts.push("[" + c.getCurrentIndex() + "]");
      }
    }
    return root + String.join("", parts);
  }

  private static String path(String root, List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder(root);
    for (JsonMappingException.Reference r : references) {
      path.append(r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]");
    }
    return path.toString();
  }

  private static ObjectMapper mapper(JsonParser p) {
    return p.getCodec() instanceof ObjectMapper m ? m : FALLBACK;
  }

  /** Reads a spec leniently; what could not be read is recorded in the spec for the validators. */
  public abstract static class SpecReader<T extends LenientSpec> extends JsonDeserializer<T> {
    private final Class<T> type;

    protected SpecReader(Class<T> type) {
      this.type = type;
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode node = p.readValueAsTree();
      Read<T> read = read(mapper(p), node, type, "spec");
      T spec = read.value() == null ? newInstance(type) : read.value();
      spec.recordRead(read.problems(), node);
      return spec;
    }
  }

  /** Reads a status leniently: the operator rewrites it, so what cannot be read is only logged. */
  public abstract static class StatusReader<T> extends JsonDeserializer<T> {
    private final Class<T> type;

    protected StatusReader(Class<T> type) {
      this.type = type;
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      Read<T> read = read(mapper(p), p.readValueAsTree(), type, "status");
      if (!read.problems().isEmpty()) {
        LOG.warn(
            "ignored what cannot be read in a {}: {}",
            type.getSimpleName(),
            String.join("; ", read.problems()));
      }
      return read.value();
    }
  }

  /**
   * Writes a spec as the user wrote it when part of it could not be read, so that a copy made by
   * serializing reads the same problems again (and an update never rewrites the user's spec).
   */
  public static final class AsWrittenSerializer extends JsonSerializer<LenientSpec> {
    @Override
    public void serialize(LenientSpec value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      if (value.asWritten() != null) {
        gen.writeTree(value.asWritten());
      } else {
        provider.findValueSerializer(value.getClass()).serialize(value, gen, provider);
      }
    }

    @Override
    public void acceptJsonFormatVisitor(JsonFormatVisitorWrapper visitor, JavaType type)
        throws JsonMappingException {
      visitor.getProvider().findValueSerializer(type).acceptJsonFormatVisitor(visitor, type);
    }
  }
}
