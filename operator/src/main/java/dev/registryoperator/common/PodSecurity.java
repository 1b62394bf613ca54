package dev.registryoperator.common;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;

/**
 * The security settings of every pod the operator creates (registry pods and GC Job pods alike):
 * non-root uid/gid 65532, the volume group-owned by it, seccomp RuntimeDefault, no privilege
 * escalation, no capabilities, a read-only root filesystem. Pure; each call returns a new object.
 */
public final class PodSecurity {
  /** The uid and gid the registry image runs as (registry-image/Dockerfile). */
  public static final long UID = 65532L;

  /**
   * The kubelet re-owns a volume's files only when its root does not already carry the group:
   * without it, each of the three pod starts of a GC run walks the whole registry storage.
   */
  public static final String FS_GROUP_CHANGE_POLICY = "OnRootMismatch";

  private PodSecurity() {}

  /** The pod-level security context. */
  public static PodSecurityContext pod() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(UID)
        .withRunAsGroup(UID)
        .withFsGroup(UID)
        .withFsGroupChangePolicy(FS_GROUP_CHANGE_POLICY)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  /** The container-level security context. */
  public static SecurityContext container() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .build();
  }
}
