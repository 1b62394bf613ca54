package dev.registryoperator.s3server;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.gaul.shaded.org.eclipse.jetty.server.Request;
import org.gaul.shaded.org.eclipse.jetty.server.handler.HandlerWrapper;

/**
 * Sends ListParts answers with the {@code IsTruncated} element that S3 always sends.
 *
 * <p>S3Proxy 2.6.0 answers {@code GET /<bucket>/<key>?uploadId=<id>} (ListParts) with every part of
 * the upload and no {@code IsTruncated}: it never pages. S3's ListParts reference (<a
 * href="https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html">API_ListParts</a>)
 * names {@code IsTruncated} in every {@code ListPartsResult}, and clients such as the AWS SDK for
 * Go v1 (used by the distribution registry's s3 driver) read it unconditionally. This handler adds
 * {@code <IsTruncated>false</IsTruncated>} to a successful ListParts answer that lacks the element,
 * which states exactly what S3Proxy did: it listed all parts. Every other request passes through
 * untouched.
 */
final class ListPartsTruncation extends HandlerWrapper {

  @Override
  public void handle(
      String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
      throws IOException, ServletException {
    if (!isListParts(request)) {
      super.handle(target, baseRequest, request, response);
      return;
    }
    CapturedResponse captured = new CapturedResponse(response);
    super.handle(target, baseRequest, request, captured);
    byte[] body = captured.body();
    if (body.length == 0) {
      return; // nothing written, or an error already sent through response.sendError
    }
    if (captured.getStatus() == HttpServletResponse.SC_OK) {
      body = ListPartsResult.withIsTruncated(body);
    }
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** {@code GET /<bucket>/<key>?uploadId=<id>}, as opposed to GetObject, UploadPart and others. */
  static boolean isListParts(HttpServletRequest request) {
    return "GET".equals(request.getMethod()) && request.getParameter("uploadId") != null;
  }
}
