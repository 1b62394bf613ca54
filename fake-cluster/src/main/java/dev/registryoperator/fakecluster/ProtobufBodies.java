package dev.registryoperator.fakecluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads the Kubernetes protobuf bodies that kubectl sends for its {@code create secret}, {@code
 * create configmap} and {@code create namespace} generators (kubectl 1.32 sends built-in types as
 * {@code application/vnd.kubernetes.protobuf}, with no fallback to JSON), and turns them into the
 * JSON the mock reads. Only the fields those generators set are read: the object's name,
 * generateName, namespace, labels and annotations, a Secret's data, stringData, type and immutable,
 * a ConfigMap's data, binaryData and immutable. Any other kind is not read ({@link
 * Optional#empty()}).
 *
 * <p>The envelope: the magic {@code k8s\0}, then a {@code runtime.Unknown} message: typeMeta (1:
 * apiVersion 1, kind 2), raw (2: the object's own message).
 */
final class ProtobufBodies {
  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProtobufBodies() {}

  /** The body as JSON, when it is a protobuf envelope of a kind read here. */
  static Optional<String> toJson(byte[] body) {
    if (body.length < MAGIC.length) {
      return Optional.empty();
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (body[i] != MAGIC[i]) {
        return Optional.empty();
      }
    }
    try {
      Reader unknown = new Reader(body, MAGIC.length, body.length);
      String apiVersion = null;
      String kind = null;
      Reader raw = null;
      while (unknown.more()) {
        int field = unknown.tag();
        if (field == 1) {
          Reader typeMeta = unknown.message();
          while (typeMeta.more()) {
            int f = typeMeta.tag();
            if (f == 1) {
              apiVersion = typeMeta.string();
            } else if (f == 2) {
              kind = typeMeta.string();
            } else {
              typeMeta.skip();
            }
          }
        } else if (field == 2) {
          raw = unknown.message();
        } else {
          unknown.skip();
        }
      }
      if (raw == null || !"v1".equals(apiVersion) || kind == null) {
        return Optional.empty();
      }
      ObjectNode object = JSON.createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
      switch (kind) {
        case "Secret" -> secret(raw, object);
        case "ConfigMap" -> configMap(raw, object);
        case "Namespace" -> namespace(raw, object);
        default -> {
          return Optional.empty();
        }
      }
      return Optional.of(JSON.writeValueAsString(object));
    } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
      return Optional.empty();
    }
  }

  private static void secret(Reader r, ObjectNode object) {
    while (r.more()) {
      switch (r.tag()) {
        case 1 -> metadata(r.message(), object.putObject("metadata"));
        case 2 -> mapEntry(r.message(), child(object, "data"), true);
        case 3 -> putText(object, "type", r.string());
        case 4 -> mapEntry(r.message(), child(object, "stringData"), false);
        case 5 -> object.put("immutable", r.varint() != 0);
        default -> r.skip();
      }
    }
  }

  private static void configMap(Reader r, ObjectNode object) {
    while (r.more()) {
      switch (r.tag()) {
        case 1 -> metadata(r.message(), object.putObject("metadata"));
        case 2 -> mapEntry(r.message(), child(object, "data"), false);
        case 3 -> mapEntry(r.message(), child(object, "binaryData"), true);
        case 4 -> object.put("immutable", r.varint() != 0);
        default -> r.skip();
      }
    }
  }

  private static void namespace(Reader r, ObjectNode object) {
    while (r.more()) {
      if (r.tag() == 1) {
        metadata(r.message(), object.putObject("metadata"));
      } else {
        r.skip();
      }
    }
  }

  private static void metadata(Reader r, ObjectNode metadata) {
    while (r.more()) {
      switch (r.tag()) {
        case 1 -> putText(metadata, "name", r.string());
        case 2 -> putText(metadata, "generateName", r.string());
        case 3 -> putText(metadata, "namespace", r.string());
        case 11 -> mapEntry(r.message(), child(metadata, "labels"), false);
        case 12 -> mapEntry(r.message(), child(metadata, "annotations"), false);
        default -> r.skip();
      }
    }
  }

  /** A string field, unless empty: proto3 sends the zero value for a field that is not set. */
  private static void putText(ObjectNode object, String name, String value) {
    if (!value.isEmpty()) {
      object.put(name, value);
    }
  }

  private static ObjectNode child(ObjectNode parent, String name) {
    return parent.get(name) instanceof ObjectNode existing ? existing : parent.putObject(name);
  }

  /**
   * A map entry (key 1, value 2); a bytes value goes to JSON in base64, as the API's JSON form has
   * it.
   */
  private static void mapEntry(Reader r, ObjectNode map, boolean bytes) {
    String key = "";
    byte[] value = new byte[0];
    while (r.more()) {
      switch (r.tag()) {
        case 1 -> key = r.string();
        case 2 -> value = r.bytes();
        default -> r.skip();
      }
    }
    map.put(
        key,
        bytes
            ? Base64.getEncoder().encodeToString(value)
            : new String(value, StandardCharsets.UTF_8));
  }

  /** Protobuf wire format: varints and length-delimited fields, within [pos, end). */
  private static final class Reader {
    private final byte[] data;
    private int pos;
    private final int end;
    private int wireType;

    Reader(byte[] data, int pos, int end) {
      this.data = data;
      this.pos = pos;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    int tag() {
      long key = varint();
      wireType = (int) (key & 7);
      return (int) (key >>> 3);
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = data[pos++];
        value |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("malformed varint");
    }

    byte[] bytes() {
      int length = (int) varint();
      if (length < 0 || pos + length > end) {
        throw new IllegalArgumentException("truncated field");
      }
      byte[] value = java.util.Arrays.copyOfRange(data, pos, pos + length);
      pos += length;
      return value;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    Reader message() {
      int length = (int) varint();
      if (length < 0 || pos + length > end) {
        throw new IllegalArgumentException("truncated message");
      }
      Reader nested = new Reader(data, pos, pos + length);
      pos += length;
      return nested;
    }

    void skip() {
      switch (wireType) {
        case 0 -> varint();
        case 1 -> pos += 8;
        case 2 -> bytes();
        case 5 -> pos += 4;
        default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
      }
    }
  }
}
