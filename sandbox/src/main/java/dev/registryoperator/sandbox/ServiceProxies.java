package dev.registryoperator.sandbox;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One {@link ServiceProxy} per Service (its first port) in the API, made as Services appear: the
 * local stand-in for a Service's cluster IP. A proxy keeps its local port for the sandbox's life,
 * also when the Service is updated.
 */
final class ServiceProxies implements AutoCloseable {
  private final KubernetesClient client;
  private final Endpoints endpoints;
  private final Consumer<ServiceProxy> announce;
  private final Map<String, ServiceProxy> proxies = new ConcurrentHashMap<>();
  private final Map<String, Integer> ports = new ConcurrentHashMap<>();
  private final Map<String, String> signatures = new ConcurrentHashMap<>();
  private SharedIndexInformer<Service> informer;

  ServiceProxies(KubernetesClient client, Endpoints endpoints, Consumer<ServiceProxy> announce) {
    this.client = client;
    this.endpoints = endpoints;
    this.announce = announce;
  }

  ServiceProxies start() {
    informer =
        client
            .services()
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Service service) {
                    ensure(service);
                  }

                  @Override
                  public void onUpdate(Service old, Service service) {
                    ensure(service);
                  }

                  @Override
                  public void onDelete(Service service, boolean deletedFinalStateUnknown) {
                    ServiceProxy proxy = proxies.remove(key(service));
                    if (proxy != null) {
                      proxy.close();
                    }
                  }
                },
                0);
    return this;
  }

  /** The local URL of a Service, once its proxy exists. */
  Optional<String> url(String namespace, String name) {
    return Optional.ofNullable(proxies.get(namespace + "/" + name)).map(ServiceProxy::url);
  }

  String awaitUrl(String namespace, String name, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> url = url(namespace, name);
      if (url.isPresent()) {
        return url.get();
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no Service " + namespace + "/" + name + " within " + timeout);
  }

  private synchronized void ensure(Service service) {
    if (service.getSpec() == null
        || service.getSpec().getPorts() == null
        || service.getSpec().getPorts().isEmpty()) {
      return;
    }
    String key = key(service);
    ServicePort port = service.getSpec().getPorts().get(0);
    Map<String, String> selector =
        service.getSpec().getSelector() == null ? Map.of() : service.getSpec().getSelector();
    String signature = selector + "|" + port.getTargetPort();
    ServiceProxy existing = proxies.get(key);
    if (existing != null && signature.equals(signatures.get(key))) {
      return;
    }
    if (existing != null) {
      existing.close();
    }
    try {
      ServiceProxy proxy =
          new ServiceProxy(
              service.getMetadata().getNamespace(),
              service.getMetadata().getName(),
              selector,
              port.getTargetPort(),
              ports.getOrDefault(key, 0),
              endpoints);
      ports.put(key, proxy.port());
      proxies.put(key, proxy);
      signatures.put(key, signature);
      if (existing == null) {
        announce.accept(proxy);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen for Service " + key, e);
    }
  }

  private static String key(Service service) {
    return service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    proxies.values().forEach(ServiceProxy::close);
    proxies.clear();
  }
}
