package dev.registryoperator.gcreport.retention;

/** Why a retention plan keeps a tag, or a manifest that a deleted tag pointed to. */
public enum KeepReason {
  /**
   * The rules would delete it, but a workload in the cluster runs it: by this tag, by the digest
   * the tag points to, or by the digest of a manifest in its index. For a manifest: a workload runs
   * it by digest.
   */
  Protected,
  /** A selecting rule's keepTagPattern matches it. */
  KeptByPattern,
  /** It is among a selecting rule's keepLatest most recently pushed tags of the repository. */
  KeptByLatest,
  /** It was pushed less than a selecting rule's keepYoungerThan ago. */
  KeptByAge,
  /** The tag {@code latest}, which no rule selecting it names in its tagPattern. */
  Latest,
  /** No rule selects it: retention leaves it alone. */
  NotSelected,
  /**
   * A manifest that stays although a deleted tag (or a deleted index or subject) pointed to it: a
   * kept tag points to it, an index that stays contains it, or it refers to a manifest that stays.
   */
  StillReferenced
}
