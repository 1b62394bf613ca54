package dev.registryoperator.gcrunner;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The references of one manifest, as the garbage collector sees them.
 *
 * @param mediaType the manifest's {@code mediaType} (may be empty)
 * @param manifests digests of child manifests ({@code manifests[]} of an OCI index or Docker
 *     manifest list)
 * @param blobs digests of the config and layer blobs ({@code config}, {@code layers[]}; schema 1
 *     {@code fsLayers[].blobSum}); layers with {@code urls} (foreign layers) are left out
 * @param subject the digest of the manifest this one refers to ({@code subject} of an OCI 1.1
 *     referrer: a signature, an SBOM, an attestation), or null
 */
public record Manifest(
    String mediaType, List<String> manifests, List<String> blobs, String subject) {

  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String DOCKER_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  private static final JsonFactory JSON = new JsonFactory();

  public boolean isIndex() {
    return !manifests.isEmpty() || OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType);
  }

  public static Manifest parse(byte[] json) throws IOException {
    String mediaType = "";
    List<String> manifests = new ArrayList<>();
    List<String> blobs = new ArrayList<>();
    List<String> subject = new ArrayList<>(1);
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("manifest is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "mediaType" -> mediaType = value == JsonToken.VALUE_STRING ? p.getText() : mediaType;
          case "manifests" -> readDescriptorArray(p, value, "digest", manifests);
          case "layers" -> readDescriptorArray(p, value, "digest", blobs);
          case "fsLayers" -> readDescriptorArray(p, value, "blobSum", blobs);
          case "config", "subject" -> {
            if (value == JsonToken.START_OBJECT) {
              readDescriptor(p, "digest", field.equals("config") ? blobs : subject);
            } else {
              p.skipChildren();
            }
          }
          default -> p.skipChildren();
        }
      }
    }
    return new Manifest(
        mediaType,
        List.copyOf(manifests),
        List.copyOf(blobs),
        subject.isEmpty() ? null : subject.get(0));
  }

  private static void readDescriptorArray(
      JsonParser p, JsonToken value, String digestField, List<String> out) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    JsonToken item;
    while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
      if (item == JsonToken.START_OBJECT) {
        readDescriptor(p, digestField, out);
      } else {
        p.skipChildren();
      }
    }
  }

  /**
   * Reads the rest of a descriptor object, the parser being on its START_OBJECT. A descriptor with
   * {@code urls} (a foreign, non-distributable layer) is not stored in the registry and is left
   * out.
   */
  private static void readDescriptor(JsonParser p, String digestField, List<String> out)
      throws IOException {
    String digest = null;
    boolean foreign = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals(digestField) && value == JsonToken.VALUE_STRING) {
        digest = p.getText();
      } else if (field.equals("urls") && value == JsonToken.START_ARRAY) {
        foreign = p.nextToken() != JsonToken.END_ARRAY;
        if (foreign) {
          p.skipChildren();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    if (digest != null && !foreign) {
      out.add(digest);
    }
  }
}
