package dev.registryoperator.gcrunner;

import java.nio.file.Path;
import java.util.Map;

/**
 * The runner's command line. Options may be written {@code --name value} or {@code --name=value}.
 */
public record CliOptions(
    Path config,
    boolean dryRun,
    boolean deleteUntagged,
    boolean deleteUntaggedReferrers,
    boolean pruneEmptyRepositories,
    Path retention,
    boolean retentionOnly,
    String registryBinary,
    Path report,
    boolean help) {

  public static final String DEFAULT_REPORT = "/dev/termination-log";
  public static final String DEFAULT_BINARY = "registry";
  public static final String BINARY_ENV = "REGISTRY_BINARY";

  public static final String USAGE =
      """
            Usage: java -jar gc-runner.jar --config PATH [--dry-run] [--delete-untagged]
                                           [--delete-untagged-referrers] [--prune-empty-repositories]
                                           [--retention PATH [--retention-only]]
                                           [--registry-binary PATH] [--report PATH]

            Runs the registry's own `garbage-collect` safely: a dry-run preflight, a safety check,
            the real collection, exact accounting of reclaimed bytes and an integrity check.
            Run it only while no registry instance can write to the storage.

            Options:
              --config PATH            the registry's config.yml (the one the registry pods use). Required.
              --dry-run                only report what a real run would delete; delete nothing.
              --delete-untagged        also delete manifests no tag points to (garbage-collect -m).
                                       Refused (exit 4) on registry < 3.0 when that would delete a
                                       child of a tagged multi-arch image (index or manifest list),
                                       and on every version when that would delete an untagged
                                       referrer (signature, SBOM) of an image that stays.
              --delete-untagged-referrers
                                       with --delete-untagged, delete those referrers too.
              --prune-empty-repositories
                                       after a real run, remove the folders of repositories left with
                                       no tag and no manifest, so that the catalog drops them.
              --retention PATH         a retention request (JSON: rules, time, images in use): first
                                       delete the tags and manifests its rules let go (a dry run
                                       only reports them), then collect as usual.
              --retention-only         with --retention and --dry-run: report the retention plan,
                                       run no garbage-collect (reads the storage, writes nothing).
              --registry-binary PATH   the registry binary; default $REGISTRY_BINARY, else `registry`
                                       on PATH.
              --report PATH            where the JSON report goes; default /dev/termination-log.
              --help                   print this text and exit.

            Exit codes: 0 done and verified; 2 usage or configuration error; 3 garbage-collect failed;
                        4 refused by the safety preflight; 5 integrity check failed after GC.
            """;

  /** Parses {@code args}; {@code env} supplies the default of {@code --registry-binary}. */
  public static CliOptions parse(String[] args, Map<String, String> env) throws UsageException {
    Path config = null;
    boolean dryRun = false;
    boolean deleteUntagged = false;
    boolean deleteUntaggedReferrers = false;
    boolean pruneEmptyRepositories = false;
    Path retention = null;
    boolean retentionOnly = false;
    boolean help = false;
    String binary = env.getOrDefault(BINARY_ENV, "");
    if (binary.isBlank()) {
      binary = DEFAULT_BINARY;
    }
    Path report = Path.of(DEFAULT_REPORT);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String inlineValue = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        inlineValue = arg.substring(eq + 1);
      }
      switch (name) {
        case "--help", "-h" -> help = true;
        case "--dry-run" -> dryRun = flag(name, inlineValue);
        case "--delete-untagged" -> deleteUntagged = flag(name, inlineValue);
        case "--delete-untagged-referrers" -> deleteUntaggedReferrers = flag(name, inlineValue);
        case "--prune-empty-repositories" -> pruneEmptyRepositories = flag(name, inlineValue);
        case "--retention-only" -> retentionOnly = flag(name, inlineValue);
        case "--config", "--registry-binary", "--report", "--retention" -> {
          String value = inlineValue;
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new UsageException(name + " needs a value");
            }
            value = args[++i];
          }
          if (value.isBlank()) {
            throw new UsageException(name + " needs a non-empty value");
          }
          switch (name) {
            case "--config" -> config = Path.of(value);
            case "--registry-binary" -> binary = value;
            case "--retention" -> retention = Path.of(value);
            default -> report = Path.of(value);
          }
        }
        default -> throw new UsageException("unknown argument: " + arg);
      }
    }
    if (config == null && !help) {
      throw new UsageException("--config PATH is required");
    }
    if (deleteUntaggedReferrers && !deleteUntagged) {
      throw new UsageException("--delete-untagged-referrers needs --delete-untagged");
    }
    // The Pruning step runs while the registry serves, on a read-only mount: it must delete
    // nothing.
    if (retentionOnly && (retention == null || !dryRun)) {
      throw new UsageException("--retention-only needs --retention PATH and --dry-run");
    }
    return new CliOptions(
        config,
        dryRun,
        deleteUntagged,
        deleteUntaggedReferrers,
        pruneEmptyRepositories,
        retention,
        retentionOnly,
        binary,
        report,
        help);
  }

  /** The report path given on the command line, even when the rest of it is invalid. */
  public static Path reportPathOf(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--report") && i + 1 < args.length && !args[i + 1].isBlank()) {
        return Path.of(args[i + 1]);
      }
      if (args[i].startsWith("--report=") && args[i].length() > "--report=".length()) {
        return Path.of(args[i].substring("--report=".length()));
      }
    }
    return Path.of(DEFAULT_REPORT);
  }

  private static boolean flag(String name, String inlineValue) throws UsageException {
    if (inlineValue == null || inlineValue.equals("true")) {
      return true;
    }
    if (inlineValue.equals("false")) {
      return false;
    }
    throw new UsageException(name + " takes no value (or =true/=false)");
  }
}
