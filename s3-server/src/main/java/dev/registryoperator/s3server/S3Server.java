package dev.registryoperator.s3server;

import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.shaded.org.eclipse.jetty.server.Server;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.StorageType;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.filesystem.reference.FilesystemConstants;

/**
 * A real S3 server on 127.0.0.1 and a free port: S3Proxy over its NIO.2 blob store, kept in memory
 * or in a directory, with AWS signature v2 and v4 authentication, plus {@link ListPartsTruncation}
 * (see the module's README for why).
 *
 * <pre>{@code
 * try (S3Server s3 = S3Server.start()) {
 *   s3.createBucket("registry");
 *   ... point a client at s3.endpoint(), s3.accessKey(), s3.secretKey(), region us-east-1 ...
 *   List<S3Object> objects = s3.list("registry", "docker/registry/v2/blobs/");
 * }
 * }</pre>
 */
public final class S3Server implements AutoCloseable {
  /** The region clients should sign for; S3Proxy accepts any. */
  public static final String REGION = "us-east-1";

  private final BlobStoreContext context;
  private final S3Proxy proxy;
  private final String accessKey;
  private final String secretKey;

  private S3Server(BlobStoreContext context, String accessKey, String secretKey) throws Exception {
    this.context = context;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            .build();
    jettyServer(proxy).insertHandler(new ListPartsTruncation());
    proxy.start();
  }

  /**
   * A server that keeps its objects in memory: S3Proxy's {@code transient-nio2} blob store, the
   * same code as {@link #start(Path)}'s on an in-memory file system.
   */
  public static S3Server start() throws Exception {
    return start(ContextBuilder.newBuilder("transient-nio2"));
  }

  /**
   * A server that keeps its objects as files under {@code directory}, which outlive it: S3Proxy's
   * {@code filesystem-nio2} blob store, one sub-directory per bucket, one file per object. (Not
   * jclouds' {@code filesystem} store: that one lists directories as objects, see the README.)
   */
  public static S3Server start(Path directory) throws Exception {
    Files.createDirectories(directory);
    Properties properties = new Properties();
    properties.setProperty(FilesystemConstants.PROPERTY_BASEDIR, directory.toString());
    return start(ContextBuilder.newBuilder("filesystem-nio2").overrides(properties));
  }

  private static S3Server start(ContextBuilder builder) throws Exception {
    String accessKey = "AK" + randomHex(9).toUpperCase();
    String secretKey = randomHex(20);
    BlobStoreContext context =
        builder.credentials(accessKey, secretKey).buildView(BlobStoreContext.class);
    try {
      return new S3Server(context, accessKey, secretKey);
    } catch (Exception | Error e) {
      context.close();
      throw e;
    }
  }

  /** {@code http://127.0.0.1:<port>}: path-style requests only, no TLS. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** Creates {@code bucket} if it does not exist yet. */
  public void createBucket(String bucket) {
    blobStore().createContainerInLocation(null, bucket);
  }

  /** Deletes {@code bucket} and every object in it (not through the S3 API). */
  public void deleteBucket(String bucket) {
    blobStore().deleteContainer(bucket);
  }

  /**
   * Stores {@code file} as one object (not through the S3 API): to lay out a registry's storage in
   * a bucket quickly, e.g. a benchmark's corpus.
   */
  public void put(String bucket, String key, java.nio.file.Path file) {
    blobStore().putBlob(bucket, blobStore().blobBuilder(key).payload(file.toFile()).build());
  }

  /** Removes one object, as a fault a test injects (not through the S3 API). */
  public void delete(String bucket, String key) {
    blobStore().removeBlob(bucket, key);
  }

  /**
   * Every object of {@code bucket} whose key starts with {@code prefix}, in key order, read from
   * the blob store itself (not through the S3 API).
   */
  public List<S3Object> list(String bucket, String prefix) {
    List<S3Object> objects = new ArrayList<>();
    ListContainerOptions options = ListContainerOptions.Builder.prefix(prefix).recursive();
    while (true) {
      PageSet<? extends StorageMetadata> page = blobStore().list(bucket, options);
      for (StorageMetadata object : page) {
        if (object.getType() == StorageType.BLOB) {
          objects.add(new S3Object(object.getName(), object.getSize()));
        }
      }
      if (page.getNextMarker() == null) {
        return objects;
      }
      options =
          ListContainerOptions.Builder.prefix(prefix).recursive().afterMarker(page.getNextMarker());
    }
  }

  @Override
  public void close() throws Exception {
    try {
      proxy.stop();
    } finally {
      context.close();
    }
  }

  private BlobStore blobStore() {
    return context.getBlobStore();
  }

  /**
   * S3Proxy's Jetty server, to put a handler in front of S3Proxy's own. S3Proxy 2.6.0 does not
   * expose it; its field {@code server} is read once, before the server starts.
   */
  private static Server jettyServer(S3Proxy proxy) throws ReflectiveOperationException {
    Field field = S3Proxy.class.getDeclaredField("server");
    field.setAccessible(true);
    return (Server) field.get(proxy);
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
