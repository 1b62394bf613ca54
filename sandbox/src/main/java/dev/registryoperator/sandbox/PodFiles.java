package dev.registryoperator.sandbox;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pod's files on this machine, as the kubelet would lay them out: each volume a directory (a
 * Secret or ConfigMap volume holds its keys as files, read from the API when the pod starts; an
 * {@code emptyDir} is empty; a {@code persistentVolumeClaim} is one directory per claim under the
 * data root, shared by every pod that mounts it and kept across pods), the container's log and its
 * termination-message file. Container paths under a mount map to the volume's directory. Read-only
 * mounts are not enforced.
 */
final class PodFiles {
  private final Path podDir;
  private final Map<String, Path> mounts; // container mount path -> local directory, longest first
  private final Path terminationMessage;
  private final String terminationMessagePath;
  private final Path log;
  private final Map<String, Path> claims;

  private PodFiles(
      Path podDir,
      Map<String, Path> mounts,
      Path terminationMessage,
      String terminationMessagePath,
      Path log,
      Map<String, Path> claims) {
    this.podDir = podDir;
    this.mounts = mounts;
    this.terminationMessage = terminationMessage;
    this.terminationMessagePath = terminationMessagePath;
    this.log = log;
    this.claims = claims;
  }

  /** The local directory of a claim: {@code <dataRoot>/<namespace>/<claim>}. */
  static Path claimDirectory(Path dataRoot, String namespace, String claim) {
    return dataRoot.resolve(namespace).resolve(claim);
  }

  static PodFiles prepare(
      KubernetesClient client, Pod pod, Container container, Path podDir, Path dataRoot)
      throws IOException {
    String namespace = pod.getMetadata().getNamespace();
    deleteRecursively(podDir);
    Files.createDirectories(podDir);
    Map<String, Path> volumes = new LinkedHashMap<>();
    Map<String, Path> claims = new LinkedHashMap<>();
    List<Volume> declared =
        pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
    for (Volume volume : declared) {
      Path dir;
      if (volume.getPersistentVolumeClaim() != null) {
        String claim = volume.getPersistentVolumeClaim().getClaimName();
        dir = claimDirectory(dataRoot, namespace, claim);
        claims.put(claim, dir);
      } else {
        dir = podDir.resolve("volumes").resolve(volume.getName());
      }
      Files.createDirectories(dir);
      if (volume.getSecret() != null) {
        Secret secret =
            client
                .secrets()
                .inNamespace(namespace)
                .withName(volume.getSecret().getSecretName())
                .get();
        if (secret == null) {
          if (Boolean.TRUE.equals(volume.getSecret().getOptional())) {
            volumes.put(volume.getName(), dir);
            continue;
          }
          throw new IOException(
              "Secret "
                  + namespace
                  + "/"
                  + volume.getSecret().getSecretName()
                  + " (volume "
                  + volume.getName()
                  + ") not found");
        }
        writeKeys(
            dir, decode(secret.getData()), secret.getStringData(), volume.getSecret().getItems());
      } else if (volume.getConfigMap() != null) {
        ConfigMap map =
            client
                .configMaps()
                .inNamespace(namespace)
                .withName(volume.getConfigMap().getName())
                .get();
        if (map == null) {
          throw new IOException(
              "ConfigMap "
                  + namespace
                  + "/"
                  + volume.getConfigMap().getName()
                  + " (volume "
                  + volume.getName()
                  + ") not found");
        }
        writeKeys(dir, Map.of(), map.getData(), volume.getConfigMap().getItems());
      } else if (volume.getDownwardAPI() != null) {
        for (var item : volume.getDownwardAPI().getItems()) {
          Path file = dir.resolve(item.getPath());
          Files.createDirectories(file.getParent());
          Files.writeString(file, downwardValue(pod, volume.getName(), item.getFieldRef()));
        }
      } else if (volume.getEmptyDir() == null && volume.getPersistentVolumeClaim() == null) {
        throw new IOException(
            "volume "
                + volume.getName()
                + ": only secret, configMap, downwardAPI, emptyDir and "
                + "persistentVolumeClaim volumes run in the sandbox");
      }
      volumes.put(volume.getName(), dir);
    }
    Map<String, Path> mounts = new LinkedHashMap<>();
    List<VolumeMount> declaredMounts =
        container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
    declaredMounts.stream()
        .sorted(Comparator.comparingInt((VolumeMount m) -> m.getMountPath().length()).reversed())
        .forEach(
            m -> {
              Path dir = volumes.get(m.getName());
              if (dir != null) {
                mounts.put(
                    trimSlash(m.getMountPath()),
                    m.getSubPath() == null || m.getSubPath().isEmpty()
                        ? dir
                        : dir.resolve(m.getSubPath()));
              }
            });
    String messagePath =
        container.getTerminationMessagePath() == null
            ? "/dev/termination-log"
            : container.getTerminationMessagePath();
    Path message = podDir.resolve("termination-log");
    Files.writeString(message, "");
    return new PodFiles(
        podDir, mounts, message, messagePath, podDir.resolve("container.log"), claims);
  }

  private static final java.util.regex.Pattern METADATA_KEY =
      java.util.regex.Pattern.compile("metadata\\.(annotations|labels)\\['([^']+)'\\]");

  /**
   * A downward API file's content, as the kubelet writes it: the pod's name, namespace, or one of
   * its annotations or labels ("" when the pod has no such key).
   */
  private static String downwardValue(Pod pod, String volume, ObjectFieldSelector field)
      throws IOException {
    String path = field == null ? "" : field.getFieldPath();
    if (path.equals("metadata.name")) {
      return pod.getMetadata().getName();
    }
    if (path.equals("metadata.namespace")) {
      return pod.getMetadata().getNamespace();
    }
    java.util.regex.Matcher key = METADATA_KEY.matcher(path);
    if (key.matches()) {
      Map<String, String> values =
          key.group(1).equals("annotations")
              ? pod.getMetadata().getAnnotations()
              : pod.getMetadata().getLabels();
      return values == null ? "" : values.getOrDefault(key.group(2), "");
    }
    throw new IOException(
        "volume " + volume + ": downward API field " + path + " does not run in the sandbox");
  }

  /**
   * The local path of a container path: under a mount, the termination-message file, or unchanged.
   */
  String map(String containerPath) {
    if (containerPath.equals(terminationMessagePath)) {
      return terminationMessage.toString();
    }
    for (Map.Entry<String, Path> mount : mounts.entrySet()) {
      String root = mount.getKey();
      if (containerPath.equals(root)) {
        return mount.getValue().toString();
      }
      if (containerPath.startsWith(root + "/")) {
        return mount.getValue().resolve(containerPath.substring(root.length() + 1)).toString();
      }
    }
    return containerPath;
  }

  boolean isMapped(String containerPath) {
    return !map(containerPath).equals(containerPath);
  }

  Optional<Path> local(String containerPath) {
    return isMapped(containerPath) ? Optional.of(Path.of(map(containerPath))) : Optional.empty();
  }

  Path podDir() {
    return podDir;
  }

  Path log() {
    return log;
  }

  Path terminationMessage() {
    return terminationMessage;
  }

  /** The claims this pod mounts, by name, with their directories. */
  Map<String, Path> claims() {
    return claims;
  }

  private static Map<String, String> decode(Map<String, String> data) {
    Map<String, String> decoded = new LinkedHashMap<>();
    if (data != null) {
      data.forEach(
          (k, v) ->
              decoded.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    return decoded;
  }

  private static void writeKeys(
      Path dir, Map<String, String> data, Map<String, String> stringData, List<KeyToPath> items)
      throws IOException {
    Map<String, String> all = new LinkedHashMap<>(data);
    if (stringData != null) {
      all.putAll(stringData);
    }
    if (items == null || items.isEmpty()) {
      for (Map.Entry<String, String> e : all.entrySet()) {
        Files.writeString(dir.resolve(e.getKey()), e.getValue());
      }
      return;
    }
    for (KeyToPath item : items) {
      String value = all.get(item.getKey());
      if (value != null) {
        Path target = dir.resolve(item.getPath());
        Files.createDirectories(target.getParent());
        Files.writeString(target, value);
      }
    }
  }

  private static String trimSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
