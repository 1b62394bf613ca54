package dev.registryoperator.gcrunner;

/** A command line or configuration problem: exit code 2. */
public class UsageException extends Exception {
  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
