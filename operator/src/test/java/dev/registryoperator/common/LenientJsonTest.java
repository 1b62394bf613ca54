package dev.registryoperator.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.gc.GcScheduleValidator;
import dev.registryoperator.registry.MaintenanceMode;
import dev.registryoperator.registry.Registry;
import dev.registryoperator.registry.RegistryValidator;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/**
 * Reading specs and statuses this operator does not fully understand: never a failure, every
 * problem named.
 */
class LenientJsonTest {
  private static Registry registry(String spec) {
    return Serialization.unmarshal(
        "{\"apiVersion\":\"registry.operator.dev/v1alpha1\",\"kind\":\"Registry\",\"metadata\":{\"name\":\"r\"},\"spec\":"
            + spec
            + "}",
        Registry.class);
  }

  private static GcSchedule schedule(String spec) {
    return Serialization.unmarshal(
        "{\"apiVersion\":\"registry.operator.dev/v1alpha1\",\"kind\":\"GcSchedule\",\"metadata\":{\"name\":\"s\"},\"spec\":"
            + spec
            + "}",
        GcSchedule.class);
  }

  @Test
  void unknownFieldsAreToleratedWithoutAProblem() {
    Registry r =
        registry("{\"storage\":{\"pvc\":{\"size\":\"1Gi\",\"future\":true}},\"replicaz\":2}");
    assertThat(r.getSpec().readProblems()).isEmpty();
    assertThat(r.getSpec().getStorage().getPvc().getSize()).isEqualTo("1Gi");
    assertThat(RegistryValidator.validate(r.getSpec())).isEmpty();
  }

  @Test
  void aValueThatCannotBeReadIsNamedAndTheRestIsKept() {
    GcSchedule s =
        schedule(
            "{\"registryRef\":{\"name\":\"images\"},\"mode\":\"Sideways\",\"schedule\":\"61 * * * *\",\"dryRun\":\"maybe\",\"historyLimit\":3}");
    assertThat(s.getSpec().readProblems())
        .containsExactlyInAnyOrder(
            "spec.mode: 'Sideways' is not one of ReadOnly, ScaleToZero",
            "spec.schedule: expected an object, got the string '61 * * * *'",
            "spec.dryRun: 'maybe' is not a boolean (true or false)");
    assertThat(s.getSpec().getRegistryRef().getName())
        .as("a run in progress can still restore its registry")
        .isEqualTo("images");
    assertThat(s.getSpec().getHistoryLimit()).isEqualTo(3);
    assertThat(s.getSpec().getMode()).isNull();
    assertThat(GcScheduleValidator.validate(s.getSpec()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("spec.mode: 'Sideways'"));
  }

  @Test
  void nestedProblemsNameTheirPath() {
    Registry r =
        registry(
            "{\"storage\":{\"pvc\":{\"size\":{\"gi\":1}}},\"tolerations\":[{\"key\":\"a\"},{\"tolerationSeconds\":\"soon\"}],\"imagePullPolicy\":1}");
    assertThat(r.getSpec().readProblems())
        .containsExactlyInAnyOrder(
            "spec.storage.pvc.size: expected a string, got an object",
            "spec.tolerations[1].tolerationSeconds: 'soon' is not an integer",
            "spec.imagePullPolicy: 1 is not one of Always, IfNotPresent, Never");
  }

  @Test
  void aSpecThatIsNotAnObjectIsAProblemNotAFailure() {
    Registry r = registry("\"pvc please\"");
    assertThat(r.getSpec().readProblems())
        .containsExactly("spec: expected an object, got the string 'pvc please'");
    assertThat(RegistryValidator.validate(r.getSpec()))
        .hasValueSatisfying(p -> assertThat(p.message()).startsWith("spec: expected an object"));
  }

  @Test
  void aCopyMadeBySerializingCarriesTheSameProblemsAndTheSpecAsWritten() {
    // The framework clones every primary (through JSON) before it reconciles it.
    GcSchedule s = schedule("{\"registryRef\":{\"name\":\"images\"},\"mode\":\"Sideways\"}");
    GcSchedule copy = Serialization.clone(s);
    assertThat(copy.getSpec().readProblems()).isEqualTo(s.getSpec().readProblems()).isNotEmpty();
    assertThat(Serialization.asJson(copy)).contains("\"mode\":\"Sideways\"");
  }

  @Test
  void aReadableSpecSerializesAsUsual() {
    GcSchedule s = schedule("{\"registryRef\":{\"name\":\"images\"},\"mode\":\"ScaleToZero\"}");
    s.getSpec().setMode(MaintenanceMode.ReadOnly);
    assertThat(Serialization.asJson(Serialization.clone(s).getSpec()))
        .contains("\"mode\":\"ReadOnly\"");
  }

  @Test
  void aStatusThatCannotBeFullyReadKeepsWhatItCan() {
    Registry r =
        Serialization.unmarshal(
            "{\"apiVersion\":\"registry.operator.dev/v1alpha1\",\"kind\":\"Registry\",\"metadata\":{\"name\":\"r\"},"
                + "\"status\":{\"observedGeneration\":\"three\",\"phase\":\"Ready\",\"fromTheFuture\":{\"a\":1}}}",
            Registry.class);
    assertThat(r.getStatus().getPhase()).isEqualTo("Ready");
    assertThat(r.getStatus().getObservedGeneration()).isNull();
  }

  @Test
  void unknownTopLevelFieldsAndAStatusOfTheWrongShapeAreTolerated() {
    Registry r =
        Serialization.unmarshal(
            "{\"apiVersion\":\"registry.operator.dev/v1alpha1\",\"kind\":\"Registry\",\"metadata\":{\"name\":\"r\"},"
                + "\"spec\":{\"storage\":{\"pvc\":{\"size\":\"1Gi\"}}},\"status\":\"broken\",\"fromTheFuture\":1}",
            Registry.class);
    assertThat(r.getSpec().readProblems()).isEmpty();
    assertThat(r.getStatus()).isNotNull();
    assertThat(r.getStatus().getConditions()).isNullOrEmpty();
  }
}
