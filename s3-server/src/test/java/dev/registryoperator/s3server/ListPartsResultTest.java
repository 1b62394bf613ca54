package dev.registryoperator.s3server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ListPartsResultTest {
  private static final String NS = "http://s3.amazonaws.com/doc/2006-03-01/";

  /** What S3Proxy 2.6.0 sends for an upload with one part: no IsTruncated. */
  private static final String S3PROXY_ANSWER =
      "<?xml version='1.0' encoding='UTF-8'?><ListPartsResult xmlns=\""
          + NS
          + "\"><Bucket>registry</Bucket><Key>a/data</Key><UploadId>u1</UploadId>"
          + "<StorageClass>STANDARD</StorageClass><Part><PartNumber>1</PartNumber>"
          + "<ETag>\"e\"</ETag><Size>5</Size></Part></ListPartsResult>";

  @Test
  void addsIsTruncatedFalseBeforeTheFirstPart() throws Exception {
    String amended = amend(S3PROXY_ANSWER);

    assertThat(amended)
        .contains(
            "<StorageClass>STANDARD</StorageClass><IsTruncated>false</IsTruncated><Part>"
                + "<PartNumber>1</PartNumber>")
        .contains("<ListPartsResult xmlns=\"" + NS + "\">");
  }

  @Test
  void addsIsTruncatedToAnUploadWithoutParts() throws Exception {
    String amended = amend(S3PROXY_ANSWER.replaceAll("<Part>.*</Part>", ""));

    assertThat(amended).contains("<IsTruncated>false</IsTruncated></ListPartsResult>");
  }

  @Test
  void keepsAnAnswerThatHasIsTruncated() throws Exception {
    String paged =
        S3PROXY_ANSWER.replace(
            "<Part>",
            "<NextPartNumberMarker>1</NextPartNumberMarker><IsTruncated>true</IsTruncated><Part>");

    assertThat(amend(paged)).isEqualTo(paged);
  }

  @Test
  void keepsOtherDocuments() throws Exception {
    String error = "<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchUpload</Code></Error>";

    assertThat(amend(error)).isEqualTo(error);
  }

  private static String amend(String xml) throws Exception {
    return new String(
        ListPartsResult.withIsTruncated(xml.getBytes(StandardCharsets.UTF_8)),
        StandardCharsets.UTF_8);
  }
}
