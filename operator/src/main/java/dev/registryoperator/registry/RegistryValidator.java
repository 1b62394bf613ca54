package dev.registryoperator.registry;

import dev.registryoperator.retention.ImageReference;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a spec the way the CRD schema does (the mock API server enforces no schema, and a real one
 * may run an older CRD), plus the rules a schema cannot say. Pure.
 */
public final class RegistryValidator {
  private static final Pattern QUANTITY =
      Pattern.compile("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$");

  private RegistryValidator() {}

  private static final Pattern NAME = Pattern.compile(RegistryNames.NAME_PATTERN);

  /** The whole object: its spec, and its name, from which the names of what it owns derive. */
  public static Optional<SpecProblem> validate(Registry registry) {
    RegistrySpec spec = registry.getSpec();
    if (spec != null && !spec.readProblems().isEmpty()) {
      return invalid(unreadable(spec.readProblems()));
    }
    return validateName(registry.getMetadata().getName()).or(() -> validate(spec));
  }

  static Optional<SpecProblem> validateName(String name) {
    if (name.length() > RegistryNames.MAX_NAME_LENGTH) {
      return invalid(
          "metadata.name '"
              + name
              + "' is "
              + name.length()
              + " characters long; a Registry's name names its Service and labels, so it may have at most "
              + RegistryNames.MAX_NAME_LENGTH
              + ": re-create the Registry with a shorter name");
    }
    if (!NAME.matcher(name).matches()) {
      return invalid(
          "metadata.name '"
              + name
              + "' is not a DNS-1035 label (lower-case letters, digits and '-', starting with a letter and ending with a letter or digit)"
              + ", which the Registry's Service needs: re-create the Registry with such a name");
    }
    return Optional.empty();
  }

  public static Optional<SpecProblem> validate(RegistrySpec spec) {
    if (spec != null && !spec.readProblems().isEmpty()) {
      return invalid(unreadable(spec.readProblems()));
    }
    if (spec == null || spec.getStorage() == null) {
      return invalid("spec.storage is required: set storage.pvc or storage.s3");
    }
    StorageSpec storage = spec.getStorage();
    if ((storage.getPvc() == null) == (storage.getS3() == null)) {
      return invalid("set exactly one of spec.storage.pvc or spec.storage.s3");
    }
    if (spec.getReplicas() != null && spec.getReplicas() < 0) {
      return invalid("spec.replicas must be 0 or more, got " + spec.getReplicas());
    }
    if (spec.getService() != null && spec.getService().getPort() != null) {
      int port = spec.getService().getPort();
      if (port < 1 || port > 65535) {
        return invalid("spec.service.port must be between 1 and 65535, got " + port);
      }
    }
    Optional<SpecProblem> hostProblem = validateHostNames(spec.getHostNames());
    if (hostProblem.isPresent()) {
      return hostProblem;
    }
    Optional<SpecProblem> storageProblem =
        storage.getPvc() != null
            ? validatePvc(spec, storage.getPvc())
            : validateS3(storage.getS3());
    if (storageProblem.isPresent()) {
      return storageProblem;
    }
    if (spec.getAuth() != null
        && spec.getAuth().getHtpasswd() != null
        && missingName(spec.getAuth().getHtpasswd().getSecretRef())) {
      return invalid("spec.auth.htpasswd.secretRef.name is required");
    }
    if (spec.getTls() != null && missingName(spec.getTls().getSecretRef())) {
      return invalid("spec.tls.secretRef.name is required");
    }
    List<String> owned = RegistryConfigFile.ownedKeysIn(spec.getConfig());
    if (!owned.isEmpty()) {
      return Optional.of(
          new SpecProblem(
              RegistryReason.OwnedConfigKey,
              "spec.config sets "
                  + String.join(", ", owned)
                  + ", which the operator owns; remove "
                  + (owned.size() == 1 ? "it" : "them")
                  + " and use the matching spec fields (storage, auth, tls, service) instead"));
    }
    return Optional.empty();
  }

  private static Optional<SpecProblem> validatePvc(RegistrySpec spec, PvcStorageSpec pvc) {
    boolean hasSize = pvc.getSize() != null && !pvc.getSize().isBlank();
    boolean hasClaim = pvc.getExistingClaim() != null && !pvc.getExistingClaim().isBlank();
    if (hasSize == hasClaim) {
      return invalid(
          "spec.storage.pvc needs exactly one of size (the operator creates a claim) or existingClaim (use yours)");
    }
    if (hasSize && !QUANTITY.matcher(pvc.getSize()).matches()) {
      return invalid(
          "spec.storage.pvc.size '" + pvc.getSize() + "' is not a quantity such as 20Gi");
    }
    if (pvc.effectiveAccessModes().contains(PvcStorageSpec.AccessMode.ReadWriteOncePod)
        && spec.effectiveReplicas() > 1) {
      return invalid(
          "spec.storage.pvc.accessModes ReadWriteOncePod allows one pod, but spec.replicas is "
              + spec.effectiveReplicas());
    }
    return Optional.empty();
  }

  private static Optional<SpecProblem> validateHostNames(List<String> hostNames) {
    if (hostNames == null) {
      return Optional.empty();
    }
    for (int i = 0; i < hostNames.size(); i++) {
      String host = hostNames.get(i);
      if (!ImageReference.isHost(host)) {
        return invalid(
            "spec.hostNames["
                + i
                + "] '"
                + host
                + "' is not a host[:port] such as registry.example.com or localhost:30500"
                + " (no scheme, path or user; a port between 1 and 65535)");
      }
    }
    return Optional.empty();
  }

  private static Optional<SpecProblem> validateS3(S3StorageSpec s3) {
    if (s3.getBucket() == null || s3.getBucket().isBlank()) {
      return invalid("spec.storage.s3.bucket is required");
    }
    if (s3.getRegion() == null || s3.getRegion().isBlank()) {
      return invalid("spec.storage.s3.region is required");
    }
    if (s3.getCredentialsSecretRef() != null && missingName(s3.getCredentialsSecretRef())) {
      return invalid(
          "spec.storage.s3.credentialsSecretRef.name is required when the reference is set");
    }
    return Optional.empty();
  }

  /** The message for a spec this operator could not fully read (see LenientJson). */
  public static String unreadable(List<String> problems) {
    return String.join("; ", problems)
        + " (the operator cannot read "
        + (problems.size() == 1 ? "this field" : "these fields")
        + " and acts on nothing until the spec is fixed)";
  }

  private static boolean missingName(SecretRef ref) {
    return ref == null || ref.getName() == null || ref.getName().isBlank();
  }

  private static Optional<SpecProblem> invalid(String message) {
    return Optional.of(new SpecProblem(RegistryReason.InvalidSpec, message));
  }
}
