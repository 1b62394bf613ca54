package dev.registryoperator.gcreport;

import java.util.List;

/**
 * The integrity check's findings.
 *
 * @param checked whether the check ran (a real run on filesystem storage)
 * @param manifests manifest references checked (distinct repository and digest pairs)
 * @param blobs config and layer references checked (distinct repository and digest pairs)
 * @param missing how many of them are missing or unreadable
 * @param missingDigests the first few of those, as {@code repository@digest}
 */
public record IntegrityResult(
    boolean checked, long manifests, long blobs, long missing, List<String> missingDigests) {

  public static final IntegrityResult NOT_CHECKED = new IntegrityResult(false, 0, 0, 0, List.of());
  public static final IntegrityResult EMPTY = new IntegrityResult(true, 0, 0, 0, List.of());

  public IntegrityResult {
    missingDigests = missingDigests == null ? List.of() : List.copyOf(missingDigests);
  }

  public boolean intact() {
    return missing == 0;
  }

  /** Checked, and nothing missing. */
  public boolean verified() {
    return checked && missing == 0;
  }
}
