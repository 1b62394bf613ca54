package dev.registryoperator.gcrunner;

/**
 * Digest syntax, {@code algorithm:encoded} (e.g. {@code sha256:} and 64 hex digits), checked before
 * a digest from the registry's output or from a link file becomes part of a storage path.
 */
public final class Digests {
  private Digests() {}

  public static boolean isValid(String digest) {
    if (digest == null) {
      return false;
    }
    int colon = digest.indexOf(':');
    if (colon <= 0 || digest.length() - colon - 1 < 32) {
      return false;
    }
    for (int i = 0; i < colon; i++) {
      char c = digest.charAt(i);
      boolean ok =
          c >= 'a' && c <= 'z'
              || c >= '0' && c <= '9'
              || (c == '+' || c == '.' || c == '_' || c == '-') && i > 0 && i < colon - 1;
      if (!ok) {
        return false;
      }
    }
    for (int i = colon + 1; i < digest.length(); i++) {
      char c = digest.charAt(i);
      if (!(c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || c == '='
          || c == '_'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
