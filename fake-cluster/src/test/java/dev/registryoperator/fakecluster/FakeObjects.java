package dev.registryoperator.fakecluster;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.Map;

/** Small test objects for the fake cluster's own tests. */
final class FakeObjects {
  static final String NS = "ns";
  static final Map<String, String> MANAGED =
      Map.of("app.kubernetes.io/managed-by", "registry-operator");

  private FakeObjects() {}

  static Deployment deployment(String name, int replicas, String strategy) {
    Map<String, String> labels =
        Map.of(
            "app.kubernetes.io/name",
            "registry",
            "app.kubernetes.io/instance",
            name,
            "app.kubernetes.io/managed-by",
            "registry-operator");
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewStrategy()
        .withType(strategy)
        .endStrategy()
        .withNewSelector()
        .withMatchLabels(Map.of("app.kubernetes.io/instance", name))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("registry")
        .withImage("registry:3")
        .addNewEnv()
        .withName("MODE")
        .withValue("writable")
        .endEnv()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  static Job job(String name) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .withLabels(MANAGED)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app.kubernetes.io/component", "gc"))
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .addNewContainer()
        .withName("gc")
        .withImage("registry:3")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
