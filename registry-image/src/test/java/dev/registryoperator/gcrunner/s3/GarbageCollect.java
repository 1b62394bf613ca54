package dev.registryoperator.gcrunner.s3;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One {@code docker-registry garbage-collect [options] <config>} run: exit code and output. */
record GarbageCollect(int exitCode, String output) {
  private static final Pattern SUMMARY =
      Pattern.compile(
          "(\\d+) blobs marked, (\\d+) blobs and (\\d+) manifests eligible for deletion");

  static GarbageCollect run(Path config, String... options)
      throws IOException, InterruptedException {
    List<String> arguments = new ArrayList<>(List.of("garbage-collect"));
    arguments.addAll(List.of(options));
    arguments.add(config.toString());
    Path log = Files.createTempFile(config.getParent(), "garbage-collect-", ".log");
    Process process =
        RegistryCommand.of(arguments.toArray(String[]::new))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException("garbage-collect did not finish within 2 minutes; see " + log);
    }
    return new GarbageCollect(process.exitValue(), Files.readString(log));
  }

  /** The mark phase's count of blobs in use, from the summary line. */
  long marked() {
    return summary(1);
  }

  /** Blobs eligible for deletion (deleted unless a dry run), from the summary line. */
  long eligibleBlobs() {
    return summary(2);
  }

  /** Manifests eligible for deletion ({@code --delete-untagged}), from the summary line. */
  long eligibleManifests() {
    return summary(3);
  }

  private long summary(int group) {
    Matcher matcher = SUMMARY.matcher(output);
    if (!matcher.find()) {
      throw new AssertionError("no summary line in garbage-collect's output:\n" + output);
    }
    return Long.parseLong(matcher.group(group));
  }
}
