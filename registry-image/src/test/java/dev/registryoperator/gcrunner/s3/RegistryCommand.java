package dev.registryoperator.gcrunner.s3;

import dev.registryoperator.gcrunner.testkit.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A command line of the real registry binary ({@code $REGISTRY_BINARY}, else {@code
 * /usr/bin/docker-registry}) whose environment cannot change what its config file says.
 */
final class RegistryCommand {
  private RegistryCommand() {}

  /** The binary; fails (never skips) when it is not installed. */
  static Path binary() {
    Path binary = RegistryProcess.binary();
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "no registry binary at "
              + binary
              + ": install Debian's docker-registry (distribution 2.8.2), as .ci/run does, or set"
              + " REGISTRY_BINARY");
    }
    return binary;
  }

  /**
   * {@code <binary> <arguments>} without the caller's {@code AWS_*} variables (the 2.8.2 s3 driver
   * reads them: with this machine's {@code AWS_CA_BUNDLE} it dies at start-up with
   * LoadCustomCABundleError) and without {@code REGISTRY_*} ones (the registry reads them as
   * overrides of its config).
   */
  static ProcessBuilder of(String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(binary().toString());
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("REGISTRY_"));
    return builder;
  }
}
