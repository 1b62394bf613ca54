package dev.registryoperator.fakecluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Pods from pod templates, the way the Deployment and Job controllers make them. */
final class PodTemplates {
  /** The alphabet Kubernetes uses for generated name suffixes (no vowels, no look-alikes). */
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private PodTemplates() {}

  /**
   * A short, stable hash of a template's content (FNV-1a over its JSON with sorted keys), spelled
   * in the name-suffix alphabet like a real {@code pod-template-hash}. Equal content gives equal
   * hashes whatever the order of map entries.
   */
  static String hash(PodTemplateSpec template) {
    try {
      Object tree = Serialization.jsonMapper().convertValue(template, Map.class);
      byte[] json = CANONICAL.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8);
      int h = 0x811c9dc5;
      for (byte b : json) {
        h ^= b & 0xff;
        h *= 0x01000193;
      }
      StringBuilder out = new StringBuilder();
      for (char c : Integer.toUnsignedString(h).toCharArray()) {
        out.append(ALPHABET.charAt(c % ALPHABET.length()));
      }
      return out.toString();
    } catch (Exception e) {
      throw new IllegalStateException("cannot hash pod template", e);
    }
  }

  static String randomSuffix() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      s.append(ALPHABET.charAt(ThreadLocalRandom.current().nextInt(ALPHABET.length())));
    }
    return s.toString();
  }

  static OwnerReference controllerRef(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /**
   * A new pod from the template: the template's labels and annotations plus {@code extraLabels}, a
   * controller reference to {@code owner}, the kubelet finalizer, and phase Pending (which the API
   * server would default).
   */
  static Pod newPod(
      PodTemplateSpec template, HasMetadata owner, String name, Map<String, String> extraLabels) {
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> annotations = new LinkedHashMap<>();
    if (template.getMetadata() != null) {
      if (template.getMetadata().getLabels() != null) {
        labels.putAll(template.getMetadata().getLabels());
      }
      if (template.getMetadata().getAnnotations() != null) {
        annotations.putAll(template.getMetadata().getAnnotations());
      }
    }
    labels.putAll(extraLabels);
    PodSpec spec = Serialization.unmarshal(Serialization.asJson(template.getSpec()), PodSpec.class);
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(owner.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(annotations)
        .withOwnerReferences(controllerRef(owner))
        .withFinalizers(List.of(FakeCluster.KUBELET_FINALIZER))
        .endMetadata()
        .withSpec(spec)
        .withNewStatus()
        .withPhase("Pending")
        .endStatus()
        .build();
  }
}
