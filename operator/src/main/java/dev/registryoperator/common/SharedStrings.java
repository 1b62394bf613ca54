package dev.registryoperator.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;

/**
 * Reads short JSON strings through a small table of strings read before, so that the values every
 * cached object repeats (namespaces, label values, names in owner references, image and variable
 * names, condition types and statuses) are one {@code String} each instead of one per object. The
 * table is lossy (a slot keeps the last string that hashed to it) and fixed in size: it never
 * grows, and a string that is not in it is read as Jackson reads it. A hit allocates nothing.
 *
 * <p>Jackson already shares field names and map keys; this does the same for values.
 */
public final class SharedStrings extends StringDeserializer {
  /** Longer strings (config files, messages) are rarely repeated. */
  static final int MAX_LENGTH = 64;

  private static final int SLOTS = 1 << 14;

  // slots are read and written without locks: a String reference is written atomically and a
  // String is immutable, so a reader sees null, an old string or a new one, and checks it
  private final String[] table = new String[SLOTS];

  /** The client's serialisation with {@link SharedStrings} for every string value. */
  public static KubernetesSerialization kubernetesSerialization() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.registerModule(
        new SimpleModule("shared-strings").addDeserializer(String.class, new SharedStrings()));
    return new KubernetesSerialization(mapper, true);
  }

  @Override
  public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    if (p.hasToken(JsonToken.VALUE_STRING)) {
      int length = p.getTextLength();
      if (length <= MAX_LENGTH) {
        return shared(p.getTextCharacters(), p.getTextOffset(), length);
      }
    }
    return super.deserialize(p, ctxt);
  }

  String shared(char[] chars, int offset, int length) {
    int hash = 0;
    for (int i = offset; i < offset + length; i++) {
      hash = 31 * hash + chars[i];
    }
    int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
    String cached = table[slot];
    if (cached != null && equal(cached, chars, offset, length)) {
      return cached;
    }
    String read = new String(chars, offset, length);
    table[slot] = read;
    return read;
  }

  private static boolean equal(String s, char[] chars, int offset, int length) {
    if (s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (s.charAt(i) != chars[offset + i]) {
        return false;
      }
    }
    return true;
  }
}
