package dev.registryoperator.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;
import java.util.Optional;

/** Small JSON values in annotations the operator owns. A missing or unreadable value is absent. */
final class AnnotationJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AnnotationJson() {}

  static <T> Optional<T> read(HasMetadata object, String key, Class<T> type) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(key);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(value, type));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
