package dev.registryoperator.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** {@code /metrics} on an HTTP server: the operator's, or the sandbox's. */
public final class MetricsEndpoint {
  /** The content type of the Prometheus text format. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private MetricsEndpoint() {}

  /** Serves {@code metrics} (503 while there are none: an operator stopped). */
  public static void addTo(HttpServer server, Supplier<OperatorMetrics> metrics) {
    server.createContext("/metrics", exchange -> answer(exchange, metrics.get()));
  }

  private static void answer(HttpExchange exchange, OperatorMetrics metrics) throws IOException {
    byte[] body =
        (metrics == null ? "no operator running\n" : metrics.scrape())
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.sendResponseHeaders(metrics == null ? 503 : 200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
