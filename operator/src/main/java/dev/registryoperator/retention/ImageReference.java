package dev.registryoperator.retention;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container image reference split as the Docker reference grammar splits it (the grammar of
 * {@code distribution/reference}), so that retention can tell which images come from its registry
 * and which tag or digest they pin. Pure.
 *
 * <p>The first path component is a host when it has a '.' or a ':', is {@code localhost}, or has an
 * upper-case letter (a repository never has one); otherwise the image has no host and comes from
 * Docker Hub, which is never this operator's registry, so Docker Hub's defaults ({@code docker.io},
 * {@code library/}) are not applied. An image with neither tag nor digest pulls {@code latest}.
 *
 * @param host the host and optional port, in lower case (host names are case-insensitive); null
 *     when the image names none
 * @param repository the path within the registry, such as {@code team/app}
 * @param tag the tag, or null
 * @param digest the digest, such as {@code sha256:...}, or null
 */
public record ImageReference(String host, String repository, String tag, String digest) {
  private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?";

  /** A domain: DNS labels (IPv4 included) or a bracketed IPv6 address, then an optional port. */
  private static final Pattern HOST =
      Pattern.compile(
          "(" + LABEL + "(\\." + LABEL + ")*|\\[[0-9A-Fa-f:.]+\\])(:(?<port>[0-9]{1,5}))?");

  private static final String COMPONENT = "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*";
  private static final Pattern REPOSITORY = Pattern.compile(COMPONENT + "(/" + COMPONENT + ")*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern DIGEST =
      Pattern.compile("[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");

  /** The scheme some runtimes put before a pod's imageID, such as {@code docker-pullable://}. */
  private static final Pattern SCHEME = Pattern.compile("^[a-z][a-z0-9+.-]*://");

  /** The tag an image without tag or digest pulls. */
  public static final String DEFAULT_TAG = "latest";

  /**
   * Reads a container's {@code image}. Empty when it is not a valid reference: no runtime pulls
   * such an image, so nothing runs from it.
   */
  public static Optional<ImageReference> parse(String image) {
    if (image == null || image.isEmpty()) {
      return Optional.empty();
    }
    String rest = image;
    String digest = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) {
        return Optional.empty();
      }
    }
    String host = null;
    int slash = rest.indexOf('/');
    if (slash >= 0 && namesHost(rest.substring(0, slash))) {
      host = rest.substring(0, slash);
      rest = rest.substring(slash + 1);
      if (!isHost(host)) {
        return Optional.empty();
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        return Optional.empty();
      }
    }
    if (!REPOSITORY.matcher(rest).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new ImageReference(host == null ? null : host.toLowerCase(Locale.ROOT), rest, tag, digest));
  }

  /**
   * Reads a pod's {@code status.containerStatuses[].imageID}: what the runtime actually runs, by
   * digest ({@code docker-pullable://host/repo@sha256:...} from Docker, {@code
   * host/repo@sha256:...} from containerd and CRI-O). Empty when it names no repository and digest,
   * such as a bare image ID {@code sha256:...}, which says nothing about where it came from.
   */
  public static Optional<ImageReference> parseImageId(String imageId) {
    if (imageId == null) {
      return Optional.empty();
    }
    String reference = SCHEME.matcher(imageId).replaceFirst("");
    return parse(reference).filter(r -> r.digest() != null);
  }

  /**
   * Whether {@code host} is a host[:port] as an image reference writes it, such as {@code
   * registry.example.com}, {@code localhost:30500} or {@code 10.0.0.7:5000}.
   */
  public static boolean isHost(String host) {
    if (host == null) {
      return false;
    }
    Matcher m = HOST.matcher(host);
    if (!m.matches()) {
      return false;
    }
    String port = m.group("port");
    return port == null || (Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535);
  }

  private static boolean namesHost(String component) {
    return component.contains(".")
        || component.contains(":")
        || component.equals("localhost")
        || !component.equals(component.toLowerCase(Locale.ROOT));
  }

  /**
   * What the registry holds for this image, its host taken off, as {@link
   * dev.registryoperator.gcreport.retention.Protection} keys it: {@code repository@digest} when it
   * is pinned by digest (a tag beside a digest is ignored by runtimes), otherwise {@code
   * repository:tag}, {@code latest} when no tag is given.
   */
  public String inRegistry() {
    if (digest != null) {
      return repository + "@" + digest;
    }
    return repository + ":" + (tag == null ? DEFAULT_TAG : tag);
  }
}
