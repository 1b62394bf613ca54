package dev.registryoperator.gcrunner;

/** {@code java -jar gc-runner.jar --config PATH ...}: see {@link CliOptions#USAGE}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    GcRunner runner = new GcRunner(System.out, System.getenv());
    Thread hook = new Thread(runner::terminated, "gc-runner-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int exitCode = runner.run(args);
    Runtime.getRuntime().removeShutdownHook(hook);
    System.exit(exitCode);
  }
}
