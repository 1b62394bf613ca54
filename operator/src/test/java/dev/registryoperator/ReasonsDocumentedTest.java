package dev.registryoperator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registryoperator.gc.GcReason;
import dev.registryoperator.registry.RegistryReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every reason the code can put in a condition, a run record or an event is explained in docs/. */
class ReasonsDocumentedTest {
  private static final Path DOCS = Path.of(System.getProperty("docs.dir", "../docs"));

  @Test
  void everyGcReasonIsInDocsGc() throws IOException {
    String doc = Files.readString(DOCS.resolve("gc.md"));
    assertThat(Arrays.stream(GcReason.values()).map(Enum::name).filter(r -> !mentioned(doc, r)))
        .as("GcReason values missing from docs/gc.md")
        .isEmpty();
  }

  @Test
  void everyRegistryReasonIsInDocsRegistry() throws IOException {
    String doc = Files.readString(DOCS.resolve("registry.md"));
    assertThat(
            Arrays.stream(RegistryReason.values()).map(Enum::name).filter(r -> !mentioned(doc, r)))
        .as("RegistryReason values missing from docs/registry.md")
        .isEmpty();
  }

  private static boolean mentioned(String doc, String reason) {
    return Pattern.compile("`" + reason + "`").matcher(doc).find();
  }
}
