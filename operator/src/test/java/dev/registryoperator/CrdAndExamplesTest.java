package dev.registryoperator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.registryoperator.gc.GcSchedule;
import dev.registryoperator.gc.GcScheduleValidator;
import dev.registryoperator.registry.Registry;
import dev.registryoperator.registry.RegistryValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed CRDs are the generated ones; they are structural; and every example passes their
 * schema (strictly: an unknown field is an error, as with kubectl --validate=strict) and the
 * operator's own validation.
 */
class CrdAndExamplesTest {
  private static final Path GENERATED =
      Path.of(System.getProperty("generated.crds.dir", "target/classes/META-INF/fabric8"));
  private static final Path COMMITTED = Path.of(System.getProperty("crds.dir", "../crds"));
  private static final Path EXAMPLES = Path.of(System.getProperty("examples.dir", "../examples"));

  /**
   * The chart's copy, which its templates/crds.yaml renders (not the chart's crds/, which Helm
   * never upgrades).
   */
  private static final Path CHART_CRDS =
      COMMITTED.resolveSibling("charts/registry-operator/files/crds");

  private static final ObjectMapper YAML = new YAMLMapper();

  /**
   * {@code -DupdateCrds=true}: writes the generated CRDs into crds/ and the chart before any test
   * looks.
   */
  @BeforeAll
  static void updateCommittedCrdsWhenAsked() throws IOException {
    if (!Boolean.getBoolean("updateCrds")) {
      return;
    }
    for (Path file : crdFiles(GENERATED)) {
      for (Path directory : List.of(COMMITTED, CHART_CRDS)) {
        Files.createDirectories(directory);
        Files.copy(
            file,
            directory.resolve(file.getFileName()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  @Test
  void committedCrdsAreTheGeneratedOnes() throws IOException {
    List<Path> generated = crdFiles(GENERATED);
    assertThat(generated).isNotEmpty();
    for (Path file : generated) {
      Path committed = COMMITTED.resolve(file.getFileName());
      assertThat(committed)
          .as(
              "crds/%s differs from the CRD generated from the Java API classes; run: ./mvnw -pl operator test -Dtest=CrdAndExamplesTest -DupdateCrds=true",
              file.getFileName())
          .exists()
          .hasSameTextualContentAs(file);
    }
    assertThat(crdFiles(COMMITTED))
        .as("crds/ holds a CRD that is no longer generated")
        .hasSameSizeAs(generated);
  }

  @Test
  void theHelmChartShipsTheSameCrds() throws IOException {
    for (Path file : crdFiles(COMMITTED)) {
      assertThat(CHART_CRDS.resolve(file.getFileName()))
          .as(
              "the chart's copy of %s; run: ./mvnw -pl operator test -Dtest=CrdAndExamplesTest -DupdateCrds=true",
              file.getFileName())
          .hasSameTextualContentAs(file);
    }
    assertThat(crdFiles(CHART_CRDS)).hasSameSizeAs(crdFiles(COMMITTED));
  }

  @Test
  void crdsAreStructural() throws IOException {
    for (Path file : crdFiles(COMMITTED)) {
      JsonNode schema = YAML.readTree(file.toFile()).at("/spec/versions/0/schema/openAPIV3Schema");
      List<String> problems = new ArrayList<>();
      checkStructural(schema, "", problems);
      assertThat(problems).as(file.getFileName().toString()).isEmpty();
    }
  }

  @Test
  void everyExamplePassesTheCrdSchemaAndTheOperatorsValidation() throws IOException {
    Map<String, JsonSchema> schemas = schemasByKind();
    List<Path> examples;
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      examples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(examples).isNotEmpty();
    int validated = 0;
    for (Path example : examples) {
      for (JsonNode document : documents(example)) {
        String kind = document.path("kind").asText();
        JsonSchema schema = schemas.get(kind);
        if (schema == null) {
          continue; // a Secret or other built-in object that goes with the example
        }
        Set<ValidationMessage> errors = schema.validate(document);
        assertThat(errors)
            .as("%s (%s %s)", example.getFileName(), kind, document.at("/metadata/name").asText())
            .isEmpty();
        if (kind.equals("Registry")) {
          Registry registry = YAML.treeToValue(document, Registry.class);
          assertThat(RegistryValidator.validate(registry))
              .as(example.getFileName().toString())
              .isEmpty();
        }
        if (kind.equals("GcSchedule")) {
          GcSchedule schedule = YAML.treeToValue(document, GcSchedule.class);
          assertThat(GcScheduleValidator.validate(schedule))
              .as(example.getFileName().toString())
              .isEmpty();
        }
        validated++;
      }
    }
    assertThat(validated).isGreaterThanOrEqualTo(6);
  }

  @Test
  void theSchemaRejectsWhatUsersGetWrong() throws IOException {
    JsonSchema registry = schemasByKind().get("Registry");
    JsonNode typo =
        YAML.readTree(
            "apiVersion: registry.operator.dev/v1alpha1\nkind: Registry\nmetadata: {name: x}\nspec:\n  storage:\n    pvc: {size: 1Gi}\n  replica: 2\n");
    JsonNode negative =
        YAML.readTree(
            "apiVersion: registry.operator.dev/v1alpha1\nkind: Registry\nmetadata: {name: x}\nspec:\n  replicas: -1\n  storage:\n    pvc: {size: 1Gi}\n");
    JsonNode noStorage =
        YAML.readTree(
            "apiVersion: registry.operator.dev/v1alpha1\nkind: Registry\nmetadata: {name: x}\nspec: {replicas: 1}\n");
    JsonNode badMode =
        YAML.readTree(
            "apiVersion: registry.operator.dev/v1alpha1\nkind: Registry\nmetadata: {name: x}\nspec:\n  storage:\n    pvc: {size: 1Gi, accessModes: [ReadMostly]}\n");

    assertRefused(registry, typo, "additionalProperties", "replica");
    assertRefused(registry, negative, "minimum", "replicas");
    assertRefused(registry, noStorage, "required", "storage");
    assertRefused(registry, badMode, "enum", "accessModes");

    JsonSchema gc = schemasByKind().get("GcSchedule");
    JsonNode noRef =
        YAML.readTree(
            "apiVersion: registry.operator.dev/v1alpha1\nkind: GcSchedule\nmetadata: {name: x}\nspec: {mode: ReadOnly}\n");
    JsonNode badDuration =
        YAML.readTree(
            "apiVersion: registry.operator.dev/v1alpha1\nkind: GcSchedule\nmetadata: {name: x}\nspec: {registryRef: {name: r}, maxDuration: soon}\n");
    JsonNode badGcMode =
        YAML.readTree(
            "apiVersion: registry.operator.dev/v1alpha1\nkind: GcSchedule\nmetadata: {name: x}\nspec: {registryRef: {name: r}, mode: Offline}\n");
    JsonNode negativeBytes =
        YAML.readTree(
            "apiVersion: registry.operator.dev/v1alpha1\nkind: GcSchedule\nmetadata: {name: x}\nspec: {registryRef: {name: r}, minReclaimableBytes: -1}\n");
    assertRefused(gc, noRef, "required", "registryRef");
    assertRefused(gc, badDuration, "pattern", "maxDuration");
    assertRefused(gc, badGcMode, "enum", "mode");
    assertRefused(gc, negativeBytes, "minimum", "minReclaimableBytes");
    JsonNode negativeKeep =
        YAML.readTree(
            "apiVersion: registry.operator.dev/v1alpha1\nkind: GcSchedule\nmetadata: {name: x}\nspec: {registryRef: {name: r}, retention: [{keepLatest: -1}]}\n");
    JsonNode badAge =
        YAML.readTree(
            "apiVersion: registry.operator.dev/v1alpha1\nkind: GcSchedule\nmetadata: {name: x}\nspec: {registryRef: {name: r}, retention: [{keepYoungerThan: 2 weeks}]}\n");
    assertRefused(gc, negativeKeep, "minimum", "keepLatest");
    assertRefused(gc, badAge, "pattern", "keepYoungerThan");
  }

  /**
   * keepYoungerThan: what the schema's pattern accepts, the operator's validation accepts, except a
   * zero age (which the pattern cannot tell), and the other way round.
   */
  @Test
  void theSchemaAndTheValidationAgreeOnRetentionAges() {
    java.util.regex.Pattern schema =
        java.util.regex.Pattern.compile(
            dev.registryoperator.gcreport.retention.RetentionRule.DURATION_PATTERN);
    for (String age :
        List.of(
            "14d",
            "36h",
            "1d12h",
            "90m",
            "45s",
            "1d1h1m1s",
            "2h30s",
            "",
            "12h1d",
            "1d1d",
            "14",
            "d",
            "2 weeks",
            "1w",
            "-1d",
            "1.5d",
            "1D")) {
      boolean valid =
          dev.registryoperator.gcreport.retention.RetentionRules.validate(
                  List.of(
                      new dev.registryoperator.gcreport.retention.RetentionRule(
                          null, null, null, null, null, age)))
              .isEmpty();
      assertThat(schema.matcher(age).matches()).as(age).isEqualTo(valid);
    }
    assertThat(schema.matcher("0d").matches()).isTrue(); // zero: the validation refuses it
  }

  /**
   * The schema refuses the document for exactly this reason: the keyword, at or naming this field.
   */
  private static void assertRefused(
      JsonSchema schema, JsonNode document, String keyword, String field) {
    var errors = schema.validate(document);
    assertThat(errors).as("errors for %s", document).hasSize(1);
    var error = errors.iterator().next();
    assertThat(error.getType()).as(error.getMessage()).isEqualTo(keyword);
    assertThat(error.getMessage()).contains(field);
  }

  /**
   * Each CRD refuses the names the operator refuses (a real API server then rejects them at create
   * time): its top-level CEL rules, read from the committed CRD and applied here in Java (the rules
   * use only size() and matches()), agree with the operator's validation on every name below.
   */
  @Test
  void theCrdsRefuseTheNamesTheOperatorRefuses() throws IOException {
    List<String> names =
        List.of(
            "images",
            "a",
            "1images",
            "Images",
            "images.team",
            "images_1",
            "images-",
            "-images",
            "team-a-2",
            "a".repeat(63),
            "a".repeat(64),
            "1".repeat(63));
    for (Path file : crdFiles(COMMITTED)) {
      JsonNode crd = YAML.readTree(file.toFile());
      String kind = crd.at("/spec/names/kind").asText();
      JsonNode rules = crd.at("/spec/versions/0/schema/openAPIV3Schema/x-kubernetes-validations");
      assertThat(rules.isArray()).as("%s has top-level x-kubernetes-validations", kind).isTrue();
      int maxLength = -1;
      java.util.regex.Pattern pattern = null;
      for (JsonNode rule : rules) {
        java.util.regex.Matcher size =
            java.util.regex.Pattern.compile("^self\\.metadata\\.name\\.size\\(\\) <= (\\d+)$")
                .matcher(rule.path("rule").asText());
        java.util.regex.Matcher matches =
            java.util.regex.Pattern.compile("^self\\.metadata\\.name\\.matches\\('(.*)'\\)$")
                .matcher(rule.path("rule").asText());
        if (size.matches()) {
          maxLength = Integer.parseInt(size.group(1));
        } else if (matches.matches()) {
          pattern = java.util.regex.Pattern.compile(matches.group(1));
        }
        assertThat(rule.path("message").asText())
            .as("%s: every rule says what is wrong", kind)
            .isNotBlank();
      }
      assertThat(maxLength).as("%s limits the length of metadata.name", kind).isEqualTo(63);
      assertThat(pattern).as("%s constrains the form of metadata.name", kind).isNotNull();
      for (String name : names) {
        boolean schemaAccepts = name.length() <= maxLength && pattern.matcher(name).find();
        boolean operatorAccepts =
            switch (kind) {
              case "Registry" -> {
                Registry registry = dev.registryoperator.registry.Registries.withPvc(name, "1Gi");
                yield RegistryValidator.validate(registry).isEmpty();
              }
              case "GcSchedule" -> {
                GcSchedule schedule = new GcSchedule();
                schedule.setMetadata(
                    new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
                schedule.setSpec(new dev.registryoperator.gc.GcScheduleSpec());
                schedule
                    .getSpec()
                    .setRegistryRef(
                        new dev.registryoperator.gc.GcScheduleSpec.RegistryRef("images"));
                yield GcScheduleValidator.validate(schedule).isEmpty();
              }
              default -> throw new AssertionError(kind);
            };
        assertThat(schemaAccepts)
            .as("%s name '%s': the CRD and the operator agree", kind, name)
            .isEqualTo(operatorAccepts);
      }
    }
  }

  private static Map<String, JsonSchema> schemasByKind() throws IOException {
    Map<String, JsonSchema> schemas = new HashMap<>();
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
    for (Path file : crdFiles(COMMITTED)) {
      JsonNode crd = YAML.readTree(file.toFile());
      ObjectNode schema = (ObjectNode) crd.at("/spec/versions/0/schema/openAPIV3Schema").deepCopy();
      strict(schema);
      ObjectNode properties = (ObjectNode) schema.get("properties");
      properties.putObject("apiVersion").put("type", "string");
      properties.putObject("kind").put("type", "string");
      properties.putObject("metadata").put("type", "object");
      schema.put("additionalProperties", false);
      schemas.put(crd.at("/spec/names/kind").asText(), factory.getSchema(schema));
    }
    return schemas;
  }

  /** Unknown fields are errors, except where the CRD preserves them. */
  private static void strict(JsonNode node) {
    if (!(node instanceof ObjectNode object)) {
      return;
    }
    if (object.has("properties")
        && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      object.put("additionalProperties", false);
    }
    object.forEach(CrdAndExamplesTest::strict);
  }

  private static void checkStructural(JsonNode node, String path, List<String> problems) {
    boolean typed =
        node.has("type")
            || node.path("x-kubernetes-int-or-string").asBoolean(false)
            || node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    if (!typed) {
      problems.add(path + ": no type");
    }
    if (node.has("properties") && node.has("additionalProperties")) {
      problems.add(path + ": both properties and additionalProperties");
    }
    node.path("properties")
        .fields()
        .forEachRemaining(e -> checkStructural(e.getValue(), path + "." + e.getKey(), problems));
    if (node.has("items")) {
      checkStructural(node.get("items"), path + "[]", problems);
    }
    if (node.path("additionalProperties").isObject()) {
      checkStructural(node.get("additionalProperties"), path + "{}", problems);
    }
  }

  private static List<Path> crdFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith("-v1.yml")).sorted().toList();
    }
  }

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(file.toFile())) {
      Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
      it.forEachRemaining(
          d -> {
            if (d != null && !d.isNull() && !d.isMissingNode()) {
              documents.add(d);
            }
          });
    }
    return documents;
  }
}
