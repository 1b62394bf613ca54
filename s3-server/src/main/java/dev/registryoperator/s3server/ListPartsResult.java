package dev.registryoperator.s3server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** Reads and amends an S3 {@code ListPartsResult} document. */
final class ListPartsResult {
  private static final String ROOT = "ListPartsResult";
  private static final String IS_TRUNCATED = "IsTruncated";

  private ListPartsResult() {}

  /**
   * {@code xml} with {@code <IsTruncated>false</IsTruncated>} added before the first {@code Part}
   * (where S3 puts it) when the document is a {@code ListPartsResult} without one; any other
   * document unchanged.
   */
  static byte[] withIsTruncated(byte[] xml) throws IOException {
    Document document = parse(xml);
    Element root = document.getDocumentElement();
    if (!ROOT.equals(root.getLocalName())
        || root.getElementsByTagNameNS(root.getNamespaceURI(), IS_TRUNCATED).getLength() > 0) {
      return xml;
    }
    Element isTruncated = document.createElementNS(root.getNamespaceURI(), IS_TRUNCATED);
    isTruncated.setTextContent("false");
    root.insertBefore(isTruncated, firstChild(root, "Part"));
    return serialize(document);
  }

  private static Node firstChild(Element parent, String localName) {
    for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (localName.equals(child.getLocalName())) {
        return child;
      }
    }
    return null;
  }

  private static Document parse(byte[] xml) throws IOException {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    } catch (ParserConfigurationException | SAXException e) {
      throw new IOException("not an XML document: " + e.getMessage(), e);
    }
  }

  private static byte[] serialize(Document document) throws IOException {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TransformerFactory.newInstance()
          .newTransformer()
          .transform(new DOMSource(document), new StreamResult(out));
      return out.toByteArray();
    } catch (TransformerException e) {
      throw new IOException(e);
    }
  }
}
