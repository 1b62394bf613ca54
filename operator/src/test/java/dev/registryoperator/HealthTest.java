package dev.registryoperator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HealthTest {
  @Test
  void aStandbyIsAliveAndReadyAndSaysSoThoughItWatchesNothing() {
    var standby = new Health.State(true, true, false, false);
    assertThat(Health.liveness(standby)).isEqualTo(new Health(200, "ok: standby"));
    assertThat(Health.readiness(standby)).isEqualTo(new Health(200, "ok: standby"));
  }

  @Test
  void theLeaderIsReadyOnlyOnceItsInformersHaveSynced() {
    assertThat(Health.readiness(new Health.State(true, true, true, false)).code()).isEqualTo(503);
    assertThat(Health.readiness(new Health.State(true, true, true, true)))
        .isEqualTo(new Health(200, "ok: leader"));
    assertThat(Health.liveness(new Health.State(true, true, true, false)).code()).isEqualTo(503);
  }

  @Test
  void withoutLeaderElectionTheOnlyReplicaIsTheActiveOne() {
    assertThat(Health.readiness(new Health.State(true, false, false, true)))
        .isEqualTo(new Health(200, "ok"));
    assertThat(Health.readiness(new Health.State(true, false, false, false)).code()).isEqualTo(503);
  }

  @Test
  void startingIsAliveButNotReady() {
    var starting = new Health.State(false, false, false, false);
    assertThat(Health.liveness(starting).code()).isEqualTo(200);
    assertThat(Health.readiness(starting).code()).isEqualTo(503);
  }
}
