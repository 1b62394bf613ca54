package dev.registryoperator.gcrunner.s3;

import dev.registryoperator.gcrunner.testkit.RegistryClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * A blob upload in several PATCH requests, then a PUT with the digest and no body (the OCI
 * distribution spec's chunked upload), as clients push large layers. Each request resumes the
 * upload: the registry's s3 driver lists the upload's parts and, when the last one is under 5 MiB,
 * completes it and starts a new one from the object so far.
 */
final class ChunkedUpload {
  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ChunkedUpload(URI base) {
    this.base = base;
  }

  /** Pushes {@code data} to {@code repository} in chunks of {@code chunkSize}; its digest. */
  String push(String repository, byte[] data, int chunkSize)
      throws IOException, InterruptedException {
    String digest = RegistryClient.sha256(data);
    HttpResponse<String> started =
        send(
            HttpRequest.newBuilder(base.resolve("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()),
            202,
            "start upload");
    String location = started.headers().firstValue("Location").orElseThrow();
    for (int offset = 0; offset < data.length; offset += chunkSize) {
      int end = Math.min(data.length, offset + chunkSize);
      HttpResponse<String> patched =
          send(
              HttpRequest.newBuilder(base.resolve(location))
                  .header("Content-Type", "application/octet-stream")
                  .header("Content-Range", offset + "-" + (end - 1))
                  .method(
                      "PATCH",
                      HttpRequest.BodyPublishers.ofByteArray(
                          Arrays.copyOfRange(data, offset, end))),
              202,
              "PATCH bytes " + offset + "-" + (end - 1));
      location = patched.headers().firstValue("Location").orElseThrow();
    }
    URI upload = base.resolve(location);
    String separator = upload.getQuery() == null ? "?" : "&";
    send(
        HttpRequest.newBuilder(URI.create(upload + separator + "digest=" + digest))
            .PUT(HttpRequest.BodyPublishers.noBody()),
        201,
        "complete upload of " + digest);
    return digest;
  }

  private HttpResponse<String> send(HttpRequest.Builder request, int status, String what)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != status) {
      throw new IOException(what + ": HTTP " + response.statusCode() + " " + response.body());
    }
    return response;
  }
}
