package dev.registryoperator.registry;

/** Names of the objects a Registry owns, and the fixed paths inside the registry image. */
public final class RegistryNames {
  /** Paths shared with registry-image/Dockerfile (a test checks they agree). */
  public static final String CONFIG_DIR = "/etc/distribution";

  public static final String CONFIG_FILE = "config.yml";
  public static final String CONFIG_PATH = CONFIG_DIR + "/" + CONFIG_FILE;
  public static final String DATA_DIR = "/var/lib/registry";
  public static final String REGISTRY_BINARY = "/usr/local/bin/registry";
  public static final String GC_RUNNER_JAR = "/opt/gc-runner/gc-runner.jar";

  public static final String TLS_DIR = "/etc/registry-tls";
  public static final String AUTH_DIR = "/etc/registry-auth";
  public static final int CONTAINER_PORT = 5000;
  public static final int DEBUG_PORT = 5001;
  public static final String HEALTH_PATH = "/debug/health";

  /** How long a stopping registry lets requests in flight finish ({@code http.draintimeout}). */
  public static final int DRAIN_TIMEOUT_SECONDS = 25;

  /** The pods' grace period: longer than the drain, so SIGKILL never cuts an upload that drains. */
  public static final long GRACE_PERIOD_SECONDS = 30;

  public static final String HTTP_SECRET_KEY = "secret";
  public static final String HTPASSWD_KEY = "htpasswd";
  public static final String S3_ACCESS_KEY = "accessKey";
  public static final String S3_SECRET_KEY = "secretKey";

  /**
   * A Registry's name is its Service's name, a DNS-1035 label, and the value of the instance label
   * on everything it owns (and on GC Jobs and pods): at most 63 characters. The other derived names
   * (Deployment, Secrets, claim: the name plus a short suffix) are DNS subdomains, up to 253.
   */
  public static final int MAX_NAME_LENGTH = 63;

  public static final String NAME_PATTERN = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

  private RegistryNames() {}

  public static String deployment(String registry) {
    return registry;
  }

  public static String service(String registry) {
    return registry;
  }

  public static String configSecret(String registry) {
    return registry + "-config";
  }

  public static String httpSecret(String registry) {
    return registry + "-http-secret";
  }

  public static String createdClaim(String registry) {
    return registry + "-data";
  }

  /** The claim the pods mount: the user's existing claim or the one the operator creates. */
  public static String claim(String registry, PvcStorageSpec pvc) {
    return pvc.getExistingClaim() != null ? pvc.getExistingClaim() : createdClaim(registry);
  }

  public static String endpoint(String registry, String namespace, int port) {
    return service(registry) + "." + namespace + ".svc:" + port;
  }
}
