package dev.registryoperator.registry;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Test data: Registry objects as a user would write them. */
public final class Registries {
  private Registries() {}

  public static Registry withPvc(String name, String size) {
    Registry registry = new Registry();
    registry.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("team-a")
            .withUid("uid-" + name)
            .withGeneration(1L)
            .build());
    RegistrySpec spec = new RegistrySpec();
    StorageSpec storage = new StorageSpec();
    PvcStorageSpec pvc = new PvcStorageSpec();
    pvc.setSize(size);
    storage.setPvc(pvc);
    spec.setStorage(storage);
    registry.setSpec(spec);
    return registry;
  }

  public static Registry withS3(String name) {
    Registry registry = withPvc(name, "1Gi");
    S3StorageSpec s3 = new S3StorageSpec();
    s3.setBucket("images");
    s3.setRegion("eu-west-1");
    s3.setRegionEndpoint("https://minio.example:9000");
    s3.setCredentialsSecretRef(new SecretRef("s3-credentials"));
    registry.getSpec().getStorage().setPvc(null);
    registry.getSpec().getStorage().setS3(s3);
    return registry;
  }

  public static Registry withAuthAndTls(String name) {
    Registry registry = withPvc(name, "5Gi");
    AuthSpec auth = new AuthSpec();
    AuthSpec.Htpasswd htpasswd = new AuthSpec.Htpasswd();
    htpasswd.setSecretRef(new SecretRef("registry-users"));
    auth.setHtpasswd(htpasswd);
    registry.getSpec().setAuth(auth);
    TlsSpec tls = new TlsSpec();
    tls.setSecretRef(new SecretRef("registry-tls"));
    registry.getSpec().setTls(tls);
    return registry;
  }
}
