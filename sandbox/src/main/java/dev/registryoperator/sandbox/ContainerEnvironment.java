package dev.registryoperator.sandbox;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A container's environment as the kubelet sets it, on this machine: the image's environment, then
 * the container's {@code env} in order: plain values (an absolute path mapped through the pod's
 * mounts), keys of Secrets and ConfigMaps (a missing one fails the start unless optional), and the
 * pod fields {@code metadata.name}, {@code metadata.namespace}, {@code metadata.uid}, {@code
 * spec.nodeName}, {@code status.podIP} and {@code status.hostIP} (both 127.0.0.1).
 */
final class ContainerEnvironment {
  /** The Secrets and ConfigMaps of the pod's namespace, by name; null for one that is missing. */
  interface Objects {
    Secret secret(String name);

    ConfigMap configMap(String name);

    /** Read from the API when asked. */
    static Objects of(KubernetesClient client, String namespace) {
      return new Objects() {
        @Override
        public Secret secret(String name) {
          return client.secrets().inNamespace(namespace).withName(name).get();
        }

        @Override
        public ConfigMap configMap(String name) {
          return client.configMaps().inNamespace(namespace).withName(name).get();
        }
      };
    }
  }

  private ContainerEnvironment() {}

  /**
   * @param image the image's environment
   * @param env the container's {@code env} (may be null)
   * @param paths container path to local path (returns its argument for paths outside any mount)
   * @throws IllegalStateException when a required Secret or ConfigMap key is missing
   */
  static Map<String, String> of(
      Map<String, String> image,
      Pod pod,
      List<EnvVar> env,
      UnaryOperator<String> paths,
      Objects objects) {
    Map<String, String> environment = new LinkedHashMap<>(image);
    if (env == null) {
      return environment;
    }
    for (EnvVar var : env) {
      String value = value(var, pod, paths, objects);
      if (value != null) {
        environment.put(var.getName(), value);
      }
    }
    return environment;
  }

  private static String value(EnvVar var, Pod pod, UnaryOperator<String> paths, Objects objects) {
    String namespace = pod.getMetadata().getNamespace();
    if (var.getValueFrom() == null) {
      return var.getValue() == null
          ? ""
          : var.getValue().startsWith("/") ? paths.apply(var.getValue()) : var.getValue();
    }
    if (var.getValueFrom().getSecretKeyRef() != null) {
      var ref = var.getValueFrom().getSecretKeyRef();
      Secret secret = objects.secret(ref.getName());
      String value = secret == null ? null : secretValue(secret, ref.getKey());
      if (value == null && !Boolean.TRUE.equals(ref.getOptional())) {
        throw missing(var, ref.getKey(), "Secret", namespace, ref.getName());
      }
      return value;
    }
    if (var.getValueFrom().getConfigMapKeyRef() != null) {
      var ref = var.getValueFrom().getConfigMapKeyRef();
      ConfigMap map = objects.configMap(ref.getName());
      String value = map == null || map.getData() == null ? null : map.getData().get(ref.getKey());
      if (value == null && !Boolean.TRUE.equals(ref.getOptional())) {
        throw missing(var, ref.getKey(), "ConfigMap", namespace, ref.getName());
      }
      return value;
    }
    if (var.getValueFrom().getFieldRef() != null) {
      return switch (var.getValueFrom().getFieldRef().getFieldPath()) {
        case "metadata.name" -> pod.getMetadata().getName();
        case "metadata.namespace" -> namespace;
        case "metadata.uid" -> pod.getMetadata().getUid();
        case "spec.nodeName" -> pod.getSpec().getNodeName();
        case "status.podIP", "status.hostIP" -> "127.0.0.1";
        default -> null;
      };
    }
    return null;
  }

  private static IllegalStateException missing(
      EnvVar var, String key, String kind, String namespace, String name) {
    return new IllegalStateException(
        "env "
            + var.getName()
            + ": key "
            + key
            + " of "
            + kind
            + " "
            + namespace
            + "/"
            + name
            + " not found");
  }

  /** A Secret's key: from {@code data} (base64), else from {@code stringData}. */
  private static String secretValue(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    return secret.getStringData() == null ? null : secret.getStringData().get(key);
  }
}
