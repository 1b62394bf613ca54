package dev.registryoperator.retention;

import dev.registryoperator.registry.Registry;
import dev.registryoperator.registry.RegistryNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The hosts by which an image reference means one Registry, so that retention protects the images
 * workloads pull from it and not those of other registries of the same repository names. Pure.
 *
 * <p>A host counts when it is, case aside:
 *
 * <ul>
 *   <li>the Service's name qualified by the namespace ({@code <service>.<namespace>}, {@code
 *       <service>.<namespace>.svc}, or that followed by any cluster domain such as {@code
 *       .cluster.local}), with any port or none: such a name can only be this Registry's Service;
 *   <li>the Service's bare name, without a port or with the Service's port;
 *   <li>{@code status.endpoint}, as written (today a qualified Service name, so already counted;
 *       kept should the endpoint ever name something else);
 *   <li>an entry of {@code spec.hostNames}, exactly as written there, port included (an entry
 *       without a port matches references without one).
 * </ul>
 *
 * Any other host, and an image without one (Docker Hub), is another registry's.
 */
public final class RegistryHosts {
  private final String qualifiedService;
  private final Set<String> exact = new HashSet<>();

  private RegistryHosts(String service, String namespace, int port, List<String> others) {
    this.qualifiedService = service + "." + namespace;
    exact.add(service);
    exact.add(service + ":" + port);
    for (String other : others) {
      if (other != null) {
        exact.add(other.toLowerCase(Locale.ROOT));
      }
    }
  }

  /** The hosts of {@code registry}, from its name, namespace, spec and status. */
  public static RegistryHosts of(Registry registry) {
    String name = registry.getMetadata().getName();
    List<String> others = new ArrayList<>();
    if (registry.getSpec() != null && registry.getSpec().getHostNames() != null) {
      others.addAll(registry.getSpec().getHostNames());
    }
    if (registry.getStatus() != null && registry.getStatus().getEndpoint() != null) {
      others.add(registry.getStatus().getEndpoint());
    }
    int port = registry.getSpec() == null ? 0 : registry.getSpec().effectivePort();
    return new RegistryHosts(
        RegistryNames.service(name), registry.getMetadata().getNamespace(), port, others);
  }

  /** Whether {@code host} (host[:port], as in an image reference) means this Registry. */
  public boolean contains(String host) {
    if (host == null) {
      return false;
    }
    String lower = host.toLowerCase(Locale.ROOT);
    if (exact.contains(lower)) {
      return true;
    }
    String name = withoutPort(lower);
    return name.equals(qualifiedService)
        || name.equals(qualifiedService + ".svc")
        || name.startsWith(qualifiedService + ".svc.");
  }

  /** The name part of host[:port]; a bracketed IPv6 address keeps its colons. */
  private static String withoutPort(String host) {
    int colon = host.lastIndexOf(':');
    return colon > host.lastIndexOf(']') ? host.substring(0, colon) : host;
  }
}
