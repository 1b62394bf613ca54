package dev.registryoperator.gcrunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliOptionsTest {
  @Test
  void defaults() throws UsageException {
    CliOptions options =
        CliOptions.parse(new String[] {"--config", "/etc/distribution/config.yml"}, Map.of());

    assertThat(options.config()).isEqualTo(Path.of("/etc/distribution/config.yml"));
    assertThat(options.dryRun()).isFalse();
    assertThat(options.deleteUntagged()).isFalse();
    assertThat(options.registryBinary()).isEqualTo("registry");
    assertThat(options.report()).isEqualTo(Path.of("/dev/termination-log"));
  }

  @Test
  void everyOption() throws UsageException {
    CliOptions options =
        CliOptions.parse(
            new String[] {
              "--dry-run",
              "--config=/c.yml",
              "--delete-untagged",
              "--delete-untagged-referrers",
              "--prune-empty-repositories",
              "--retention",
              "/r/retention.json",
              "--retention-only",
              "--registry-binary",
              "/bin/registry",
              "--report",
              "/tmp/r.json"
            },
            Map.of());

    assertThat(options)
        .isEqualTo(
            new CliOptions(
                Path.of("/c.yml"),
                true,
                true,
                true,
                true,
                Path.of("/r/retention.json"),
                true,
                "/bin/registry",
                Path.of("/tmp/r.json"),
                false));
  }

  @Test
  void environmentOverridesTheDefaultBinaryButNotTheOption() throws UsageException {
    Map<String, String> env = Map.of("REGISTRY_BINARY", "/usr/local/bin/registry");

    assertThat(CliOptions.parse(new String[] {"--config", "c"}, env).registryBinary())
        .isEqualTo("/usr/local/bin/registry");
    assertThat(
            CliOptions.parse(new String[] {"--config", "c", "--registry-binary", "/x"}, env)
                .registryBinary())
        .isEqualTo("/x");
  }

  @Test
  void rejectsMistakes() {
    assertThatThrownBy(() -> CliOptions.parse(new String[] {}, Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--config PATH is required");
    assertThatThrownBy(() -> CliOptions.parse(new String[] {"--config"}, Map.of()))
        .hasMessageContaining("--config needs a value");
    assertThatThrownBy(() -> CliOptions.parse(new String[] {"--config", "c", "--force"}, Map.of()))
        .hasMessageContaining("unknown argument: --force");
    assertThatThrownBy(
            () -> CliOptions.parse(new String[] {"--config", "c", "--dry-run=yes"}, Map.of()))
        .hasMessageContaining("--dry-run takes no value");
    assertThatThrownBy(
            () ->
                CliOptions.parse(
                    new String[] {"--config", "c", "--delete-untagged-referrers"}, Map.of()))
        .hasMessageContaining("--delete-untagged-referrers needs --delete-untagged");
  }

  /** The Pruning step's Job must not delete: --retention-only is a dry run of retention alone. */
  @Test
  void retentionOnlyNeedsARequestAndADryRun() throws UsageException {
    assertThatThrownBy(
            () ->
                CliOptions.parse(
                    new String[] {"--config", "c", "--retention", "r.json", "--retention-only"},
                    Map.of()))
        .hasMessageContaining("--retention-only needs --retention PATH and --dry-run");
    assertThatThrownBy(
            () ->
                CliOptions.parse(
                    new String[] {"--config", "c", "--dry-run", "--retention-only"}, Map.of()))
        .hasMessageContaining("--retention-only needs --retention PATH and --dry-run");
    assertThatThrownBy(
            () -> CliOptions.parse(new String[] {"--config", "c", "--retention"}, Map.of()))
        .hasMessageContaining("--retention needs a value");

    CliOptions options =
        CliOptions.parse(new String[] {"--config", "c", "--retention=r.json"}, Map.of());
    assertThat(options.retention()).isEqualTo(Path.of("r.json"));
    assertThat(options.retentionOnly()).isFalse();
  }

  @Test
  void helpNeedsNothingElse() throws UsageException {
    assertThat(CliOptions.parse(new String[] {"--help"}, Map.of()).help()).isTrue();
    assertThat(CliOptions.USAGE)
        .contains(
            "--config",
            "--dry-run",
            "--delete-untagged",
            "--delete-untagged-referrers",
            "--prune-empty-repositories",
            "--retention",
            "--retention-only",
            "--registry-binary",
            "--report",
            "REGISTRY_BINARY",
            "/dev/termination-log");
  }

  @Test
  void findsTheReportPathEvenInABadCommandLine() {
    assertThat(CliOptions.reportPathOf(new String[] {"--bogus", "--report", "/tmp/x.json"}))
        .isEqualTo(Path.of("/tmp/x.json"));
    assertThat(CliOptions.reportPathOf(new String[] {"--report=/tmp/y.json"}))
        .isEqualTo(Path.of("/tmp/y.json"));
    assertThat(CliOptions.reportPathOf(new String[] {})).isEqualTo(Path.of("/dev/termination-log"));
  }
}
