package dev.registryoperator.sandbox;

import dev.registryoperator.registry.RegistryNames;
import io.fabric8.kubernetes.api.model.Container;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A container's command line as it runs on this machine: its command and arguments (none: the
 * image's CMD, {@code registry serve <config.yml>}), with the executable and every absolute path
 * that is a file of the image mapped to the {@link LocalImage}, and every other absolute path, also
 * as the value of a {@code --name=/path} option, mapped through the pod's mounts. Pure.
 */
final class ContainerCommand {
  private ContainerCommand() {}

  /**
   * @param job whether the pod is a GC Job's (its registry binary may differ)
   * @param paths container path to local path (returns its argument for paths outside any mount)
   * @throws IllegalArgumentException when the image has no such executable
   */
  static List<String> of(
      Container container, LocalImage image, boolean job, UnaryOperator<String> paths) {
    List<String> argv = new ArrayList<>();
    if (container.getCommand() != null) {
      argv.addAll(container.getCommand());
    }
    if (container.getArgs() != null) {
      argv.addAll(container.getArgs());
    }
    if (argv.isEmpty()) { // the image's CMD
      argv.addAll(List.of("registry", "serve", RegistryNames.CONFIG_PATH));
    }
    List<String> mapped = new ArrayList<>();
    String executable = argv.get(0);
    mapped.add(
        image
            .file(executable, job)
            .map(Path::toString)
            .orElseThrow(
                () -> new IllegalArgumentException("the registry image has no " + executable)));
    for (String arg : argv.subList(1, argv.size())) {
      mapped.add(mapArgument(arg, image, job, paths));
    }
    return mapped;
  }

  private static String mapArgument(
      String arg, LocalImage image, boolean job, UnaryOperator<String> paths) {
    int eq = arg.indexOf('=');
    if (arg.startsWith("-") && eq > 0) { // --name=/path
      return arg.substring(0, eq + 1) + mapArgument(arg.substring(eq + 1), image, job, paths);
    }
    if (!arg.startsWith("/")) {
      return arg;
    }
    Optional<Path> imageFile = image.file(arg, job);
    return imageFile.map(Path::toString).orElseGet(() -> paths.apply(arg));
  }
}
