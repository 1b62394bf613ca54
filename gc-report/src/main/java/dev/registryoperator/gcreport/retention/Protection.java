package dev.registryoperator.gcreport.retention;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The images the cluster runs, which retention never deletes: references as the operator found them
 * in workloads, each with who uses it. A reference is {@code repository:tag} or {@code
 * repository@digest}, the registry's host already taken off; an image named by both ({@code
 * team/app:v1@sha256:...}) runs by its digest, so the operator passes the digest.
 *
 * @param usersByReference who uses each reference, such as {@code Pod default/web-7d9f} or {@code
 *     Deployment team/api}; copied, each list sorted and without repeats
 */
public record Protection(Map<String, List<String>> usersByReference) {
  /** Nothing in use: what the rules delete goes. */
  public static final Protection NONE = new Protection(Map.of());

  public Protection {
    Map<String, List<String>> copy = new TreeMap<>();
    if (usersByReference != null) {
      usersByReference.forEach(
          (reference, users) -> copy.put(reference, users.stream().distinct().sorted().toList()));
    }
    usersByReference = Collections.unmodifiableMap(copy);
  }

  List<String> usersOfTag(String repository, String tag) {
    return usersByReference.getOrDefault(repository + ":" + tag, List.of());
  }

  List<String> usersOfDigest(String repository, String digest) {
    return usersByReference.getOrDefault(repository + "@" + digest, List.of());
  }
}
