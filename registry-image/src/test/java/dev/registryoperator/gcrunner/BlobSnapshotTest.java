package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BlobSnapshotTest {
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  private static final String C = "sha256:" + "c".repeat(64);
  private static final String EMPTY = "sha256:" + "e".repeat(64);
  private static final String UNKNOWN = "sha256:" + "f".repeat(64);

  private final BlobSnapshot before =
      new BlobSnapshot(Map.of(A, 100L, B, 20L, C, 3L, EMPTY, 0L), 0);

  @Test
  void sizesAndTotals() {
    assertThat(before.count()).isEqualTo(4);
    assertThat(before.totalBytes()).isEqualTo(123);
    assertThat(before.size(B)).isEqualTo(20);
    assertThat(before.size(EMPTY)).isZero();
    assertThat(before.size(UNKNOWN)).isEqualTo(BlobFiles.ABSENT);
  }

  @Test
  void bytesOfCountsEachBlobOnceAndUnknownBlobsAsZero() {
    assertThat(before.bytesOf(List.of(A, B, A, UNKNOWN))).isEqualTo(120);
    assertThat(before.bytesOf(Set.of())).isZero();
  }

  @Test
  void reclaimedIsWhatWasInTheSnapshotAndIsGone() {
    Set<String> after = Set.of(B, C);

    assertThat(before.reclaimed(List.of(A, B, EMPTY, UNKNOWN, A), after::contains))
        .isEqualTo(new BlobSnapshot.Reclaimed(2, 100));
  }

  @Test
  void anyBlobOfTheSnapshotCanBeACandidate() {
    Set<String> after = Set.of(C);

    assertThat(before.reclaimed(before.digests(), after::contains))
        .isEqualTo(new BlobSnapshot.Reclaimed(3, 120));
  }

  @Test
  void nothingGoneNothingReclaimed() {
    assertThat(before.reclaimed(before.digests(), digest -> true))
        .isEqualTo(new BlobSnapshot.Reclaimed(0, 0));
    assertThat(new BlobSnapshot(Map.of(), 2).reclaimed(List.of(A), digest -> false))
        .isEqualTo(new BlobSnapshot.Reclaimed(0, 0));
  }
}
