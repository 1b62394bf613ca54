package dev.registryoperator.registry;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Map;

/** The Service in front of the registry pods. */
public class ServiceSpec {
  public enum Type {
    ClusterIP,
    NodePort,
    LoadBalancer
  }

  public static final int DEFAULT_PORT = 5000;

  @Default("ClusterIP")
  @JsonPropertyDescription("Service type: ClusterIP, NodePort or LoadBalancer.")
  private Type type;

  @Default("5000")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port the Service listens on.")
  private Integer port;

  @JsonPropertyDescription(
      "Annotations added to the Service, for example for a cloud load balancer.")
  private Map<String, String> annotations;

  public Type getType() {
    return type;
  }

  public void setType(Type type) {
    this.type = type;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }
}
