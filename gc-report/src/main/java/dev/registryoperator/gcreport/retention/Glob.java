package dev.registryoperator.gcreport.retention;

import java.util.regex.Pattern;

/**
 * A rule's repository-name glob, compiled to the regular expression that matches the same names.
 * Repository names are paths ({@code team/app}), so the wildcards stop at {@code /} unless doubled,
 * as in shell globs: {@code team/*} is the team's own repositories, {@code team/**} also those
 * nested deeper.
 */
final class Glob {
  private Glob() {}

  /**
   * The pattern matching, as a whole, exactly the names {@code glob} matches: {@code *} any run of
   * characters except {@code /}, {@code **} any run including {@code /}, {@code ?} one character
   * except {@code /}, any other character itself. {@code **} matches the empty run too, so {@code
   * team/**} does not match {@code team} and {@code **}{@code /app} does not match {@code app}.
   *
   * @throws IllegalArgumentException for an empty glob, which would select nothing, and for three
   *     or more {@code *} in a row, which could mean either wildcard
   */
  static Pattern compile(String glob) {
    if (glob == null || glob.isEmpty()) {
      throw new IllegalArgumentException("empty pattern");
    }
    if (glob.contains("***")) {
      throw new IllegalArgumentException(
          "'"
              + glob
              + "' has three or more * in a row: use * (within one path segment)"
              + " or ** (across segments)");
    }
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c != '*' && c != '?') {
        literal.append(c);
        continue;
      }
      if (!literal.isEmpty()) {
        regex.append(Pattern.quote(literal.toString()));
        literal.setLength(0);
      }
      if (c == '?') {
        regex.append("[^/]");
      } else if (glob.startsWith("**", i)) {
        regex.append(".*");
        i++;
      } else {
        regex.append("[^/]*");
      }
    }
    if (!literal.isEmpty()) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString());
  }
}
