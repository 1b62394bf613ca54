package dev.registryoperator.gcrunner;

import java.util.Comparator;
import java.util.List;

/**
 * Replaces secret values from the registry config with {@code ***} in anything the runner prints or
 * reports.
 */
public final class Redactor {
  private final List<String> secrets;

  public Redactor(List<String> secrets) {
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets =
        secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
  }

  public static Redactor none() {
    return new Redactor(List.of());
  }

  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (String secret : secrets) {
      result = result.replace(secret, "***");
    }
    return result;
  }
}
