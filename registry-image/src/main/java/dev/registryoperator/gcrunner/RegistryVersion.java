package dev.registryoperator.gcrunner;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry binary's version, from {@code registry --version}, e.g. {@code docker-registry
 * github.com/docker/distribution 2.8.2+ds1} or {@code registry
 * github.com/distribution/distribution/v3 v3.0.0}.
 *
 * @param display the version without a leading {@code v} and build metadata ({@code 2.8.2}), or
 *     {@code unknown}
 * @param major the major version, or -1 when unknown
 * @param minor the minor version, or -1 when unknown
 */
public record RegistryVersion(String display, int major, int minor) {

  private static final Pattern VERSION =
      Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.\\d+)?(?:-[0-9A-Za-z.-]+)?");

  public static final RegistryVersion UNKNOWN = new RegistryVersion("unknown", -1, -1);

  public static RegistryVersion parse(String output) {
    if (output == null) {
      return UNKNOWN;
    }
    String[] tokens = output.strip().split("\\s+");
    // The version is the last token that looks like one (module paths such as .../v3 do not).
    for (int i = tokens.length - 1; i >= 0; i--) {
      String token = tokens[i];
      int plus = token.indexOf('+');
      String bare = plus >= 0 ? token.substring(0, plus) : token;
      Matcher m = VERSION.matcher(bare);
      if (m.matches()) {
        String shown = bare.startsWith("v") ? bare.substring(1) : bare;
        return new RegistryVersion(
            shown, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
      }
    }
    return UNKNOWN;
  }

  public boolean known() {
    return major >= 0;
  }

  /**
   * Whether {@code --delete-untagged} of this version deletes the children of tagged indexes and
   * manifest lists (distribution before 3.0). An unknown version is assumed to have the bug.
   */
  public boolean hasMultiArchDeletionBug() {
    return !known() || major < 3;
  }

  /**
   * Whether {@code garbage-collect} without {@code --delete-untagged} deletes nothing but blobs:
   * distribution 2.x, whose sweep removes blob folders under {@code blobs/} only. 3.x also removes
   * the layer links of the blobs it deletes. An unknown version is assumed to delete more.
   */
  public boolean collectsOnlyBlobs() {
    return known() && major == 2;
  }
}
