package dev.registryoperator.gcrunner.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The registry HTTP API calls the tests need (no auth, plain HTTP on loopback). */
public final class RegistryClient {
  /** Every manifest type the tests push, for the Accept header of a manifest GET. */
  public static final String MANIFEST_ACCEPT =
      String.join(
          ", ",
          MediaTypes.DOCKER_MANIFEST,
          MediaTypes.DOCKER_LIST,
          MediaTypes.OCI_MANIFEST,
          MediaTypes.OCI_INDEX);

  private final URI base;

  /**
   * Follows redirects as docker and skopeo do: on S3 storage a registry answers a blob GET with a
   * 307 to a pre-signed URL of the bucket.
   */
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();

  public RegistryClient(URI base) {
    this.base = base;
  }

  /** A fetched blob or manifest. */
  public record Fetched(int status, byte[] body, String contentType, String dockerContentDigest) {}

  /**
   * Uploads a blob the way 2.8 completes it: POST an upload, then PUT {@code <location>&digest=}.
   */
  public Descriptor pushBlob(String repository, byte[] data, String mediaType) throws IOException {
    String digest = sha256(data);
    HttpResponse<String> started =
        send(
            HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    expect(started, 202, "start upload");
    String location = started.headers().firstValue("Location").orElseThrow();
    URI upload = base.resolve(location);
    String separator = upload.getQuery() == null ? "?" : "&";
    HttpResponse<String> done =
        send(
            HttpRequest.newBuilder(URI.create(upload + separator + "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data)));
    expect(done, 201, "complete upload of " + digest);
    return new Descriptor(mediaType, digest, data.length);
  }

  /**
   * PUTs a manifest under {@code reference}: a tag, or null to push it by digest only (untagged).
   */
  public Descriptor pushManifest(String repository, String reference, String mediaType, byte[] body)
      throws IOException {
    String digest = sha256(body);
    String ref = reference == null ? digest : reference;
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + ref))
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    expect(response, 201, "put manifest " + repository + ":" + ref);
    String returned = response.headers().firstValue("Docker-Content-Digest").orElse(digest);
    if (!returned.equals(digest)) {
      throw new IOException(
          "registry computed " + returned + " for a manifest whose digest is " + digest);
    }
    return new Descriptor(mediaType, digest, body.length);
  }

  /** DELETE /v2/<repo>/manifests/<digest> (needs storage.delete.enabled). */
  public void deleteManifest(String repository, String digest) throws IOException {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + digest)).DELETE());
    expect(response, 202, "delete manifest " + repository + "@" + digest);
  }

  /** GET /v2/_catalog: the repositories the registry lists. */
  public List<String> catalog() throws IOException {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v2/_catalog?n=1000")).GET());
    expect(response, 200, "catalog");
    List<String> repositories = new ArrayList<>();
    new ObjectMapper()
        .readTree(response.body())
        .path("repositories")
        .forEach(name -> repositories.add(name.asText()));
    return repositories;
  }

  /** GET /v2/<repo>/tags/list: the repository's tags, as the registry lists them. */
  public List<String> tags(String repository) throws IOException {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(uri("/v2/" + repository + "/tags/list")).GET());
    expect(response, 200, "tags of " + repository);
    List<String> tags = new ArrayList<>();
    new ObjectMapper().readTree(response.body()).path("tags").forEach(t -> tags.add(t.asText()));
    return tags;
  }

  public Fetched getManifest(String repository, String reference) throws IOException {
    return fetch(
        HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + reference))
            .header("Accept", MANIFEST_ACCEPT)
            .GET());
  }

  public Fetched getBlob(String repository, String digest) throws IOException {
    return fetch(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/" + digest)).GET());
  }

  private Fetched fetch(HttpRequest.Builder request) throws IOException {
    HttpResponse<byte[]> response;
    try {
      response =
          http.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return new Fetched(
        response.statusCode(),
        response.body(),
        response.headers().firstValue("Content-Type").orElse(""),
        response.headers().firstValue("Docker-Content-Digest").orElse(""));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private URI uri(String path) {
    return base.resolve(path);
  }

  private static void expect(HttpResponse<String> response, int status, String what)
      throws IOException {
    if (response.statusCode() != status) {
      throw new IOException(what + ": HTTP " + response.statusCode() + " " + response.body());
    }
  }

  public static String sha256(byte[] data) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
