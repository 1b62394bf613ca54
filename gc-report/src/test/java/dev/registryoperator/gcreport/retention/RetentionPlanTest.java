package dev.registryoperator.gcreport.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gcreport.retention.RetentionPlan.Totals;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPlanTest {
  private static String summary(int tags, int manifests, long bytes, int protectedTags) {
    return new RetentionPlan(List.of(), new Totals(tags, manifests, bytes, protectedTags))
        .summary();
  }

  @Test
  void summarizesInOneLine() {
    assertThat(summary(12, 9, 1_288_490_189L, 3))
        .isEqualTo("12 tags and 9 manifests to delete (1.2 GiB); 3 tags protected by workloads");
    assertThat(summary(1, 1, 512, 0)).isEqualTo("1 tag and 1 manifest to delete (512 B)");
    assertThat(summary(2, 0, 0, 1))
        .isEqualTo("2 tags and 0 manifests to delete (0 B); 1 tag protected by workloads");
    assertThat(summary(0, 0, 0, 0)).isEqualTo("nothing to delete");
    assertThat(summary(0, 0, 0, 2)).isEqualTo("nothing to delete; 2 tags protected by workloads");
  }
}
