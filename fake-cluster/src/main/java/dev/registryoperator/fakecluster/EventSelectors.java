package dev.registryoperator.fakecluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Field selectors on event lists, which the CRUD mock ignores (it answers an empty list). Pure. */
final class EventSelectors {
  static final Pattern EVENTS = Pattern.compile("/api/v1(/namespaces/[^/]+)?/events");

  private EventSelectors() {}

  /** The decoded value of one query parameter, or null. */
  static String parameter(String query, String name) {
    for (String parameter : query.split("&")) {
      if (parameter.startsWith(name + "=")) {
        return URLDecoder.decode(parameter.substring(name.length() + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** The query without one parameter, with its leading '?' (or empty). */
  static String without(String query, String name) {
    StringBuilder rest = new StringBuilder();
    for (String parameter : query.split("&")) {
      if (!parameter.isEmpty() && !parameter.startsWith(name + "=")) {
        rest.append(rest.length() == 0 ? "?" : "&").append(parameter);
      }
    }
    return rest.toString();
  }

  /**
   * The list with only the items the selector keeps, as an EventList (typed clients drop a "List").
   */
  static String filter(String listJson, String selector) {
    ObjectNode list = (ObjectNode) Serialization.unmarshal(listJson, JsonNode.class);
    ArrayNode kept = list.arrayNode();
    for (JsonNode item : list.path("items")) {
      if (matches(item, selector)) {
        kept.add(item);
      }
    }
    list.set("items", kept);
    list.put("kind", "EventList");
    return Serialization.asJson(list);
  }

  /** Equality-based terms ({@code a.b=v}, {@code a.b==v}, {@code a.b!=v}); all must hold. */
  static boolean matches(JsonNode item, String selector) {
    for (String term : selector.split(",")) {
      if (term.isBlank()) {
        continue;
      }
      boolean negated = term.contains("!=");
      String[] kv = term.split(negated ? "!=" : "==?", 2);
      if (kv.length != 2) {
        continue;
      }
      JsonNode node = item;
      for (String part : kv[0].trim().split("\\.")) {
        node = node.path(part);
      }
      boolean equal = node.isValueNode() && node.asText().equals(kv[1].trim());
      if (equal == negated) {
        return false;
      }
    }
    return true;
  }
}
