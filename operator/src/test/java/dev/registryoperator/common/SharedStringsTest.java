package dev.registryoperator.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class SharedStringsTest {
  private final KubernetesSerialization shared = SharedStrings.kubernetesSerialization();
  private final KubernetesSerialization plain = new KubernetesSerialization();

  @Test
  void objectsReadOneAfterTheOtherShareTheirRepeatedValues() {
    String json = plain.asJson(pod("images-1", "x".repeat(200)));
    String json2 = plain.asJson(pod("images-2", "x".repeat(200)));

    Pod first = shared.unmarshal(json, Pod.class);
    Pod second = shared.unmarshal(json2, Pod.class);

    // read as they were written
    assertThat(first).isEqualTo(plain.unmarshal(json, Pod.class));
    assertThat(second).isEqualTo(plain.unmarshal(json2, Pod.class));
    // repeated values are one string: plain fields, map values, list items
    assertThat(second.getMetadata().getNamespace()).isSameAs(first.getMetadata().getNamespace());
    assertThat(second.getMetadata().getLabels().get("app.kubernetes.io/instance"))
        .isSameAs(first.getMetadata().getLabels().get("app.kubernetes.io/instance"));
    assertThat(second.getSpec().getContainers().get(0).getArgs().get(0))
        .isSameAs(first.getSpec().getContainers().get(0).getArgs().get(0));
    assertThat(second.getStatus().getConditions().get(0).getStatus())
        .isSameAs(first.getStatus().getConditions().get(0).getStatus());
    // what differs stays apart; long strings are read as they come
    assertThat(second.getMetadata().getName()).isEqualTo("images-2");
    assertThat(second.getMetadata().getAnnotations().get("long"))
        .isEqualTo(first.getMetadata().getAnnotations().get("long"))
        .isNotSameAs(first.getMetadata().getAnnotations().get("long"));
  }

  @Test
  void aSlotTakenByAnotherStringNeverAnswersWrongly() {
    SharedStrings strings = new SharedStrings();
    // "Aa" and "BB" have the same hash code, so they take the same slot
    String aa = strings.shared("Aa".toCharArray(), 0, 2);
    String bb = strings.shared("xBBx".toCharArray(), 1, 2);

    assertThat(aa).isEqualTo("Aa");
    assertThat(bb).isEqualTo("BB");
    assertThat(strings.shared("Aa".toCharArray(), 0, 2)).isEqualTo("Aa");
    assertThat(strings.shared("".toCharArray(), 0, 0)).isEmpty();
  }

  @Test
  void valuesOfOtherJsonTypesBecomeStringsAsBefore() {
    String json = "{\"metadata\":{\"name\":123,\"namespace\":true,\"uid\":null}}";

    assertThat(shared.unmarshal(json, Pod.class)).isEqualTo(plain.unmarshal(json, Pod.class));
    assertThat(shared.unmarshal(json, Pod.class).getMetadata().getName()).isEqualTo("123");
  }

  private static Pod pod(String name, String longValue) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("team-a")
        .addToLabels("app.kubernetes.io/instance", "images")
        .addToAnnotations("long", longValue)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("registry")
        .withArgs("serve", "/etc/docker/registry/config.yml")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }
}
