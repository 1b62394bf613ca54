package dev.registryoperator.sandbox;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One scrape of {@code /metrics} in the Prometheus text format, as series and values. */
record ScrapedMetrics(List<Series> series) {
  record Series(String name, Map<String, String> labels, double value) {}

  static ScrapedMetrics of(String url) throws IOException {
    PlainHttp.Response response = PlainHttp.send("GET", URI.create(url), Map.of(), null);
    if (response.status() != 200) {
      throw new IOException(url + " answered " + response.status());
    }
    return parse(new String(response.body(), StandardCharsets.UTF_8));
  }

  static ScrapedMetrics parse(String text) {
    List<Series> all = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = brace < 0 ? line.substring(0, space) : line.substring(0, brace);
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0) {
        String inside = line.substring(brace + 1, line.lastIndexOf('}'));
        // values in the operator's series hold no quotes, commas or escapes
        for (String pair : inside.split(",")) {
          if (pair.isBlank()) {
            continue;
          }
          int equals = pair.indexOf('=');
          labels.put(pair.substring(0, equals), pair.substring(equals + 2, pair.length() - 1));
        }
      }
      all.add(new Series(name, labels, Double.parseDouble(line.substring(space + 1))));
    }
    return new ScrapedMetrics(all);
  }

  /** The value of the one series of {@code name} whose labels include {@code labels} (pairs). */
  Optional<Double> value(String name, String... labels) {
    List<Series> found =
        series.stream()
            .filter(s -> s.name().equals(name))
            .filter(
                s -> {
                  for (int i = 0; i < labels.length; i += 2) {
                    if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                      return false;
                    }
                  }
                  return true;
                })
            .toList();
    if (found.size() > 1) {
      throw new IllegalStateException("several series of " + name + " match: " + found);
    }
    return found.stream().findFirst().map(Series::value);
  }

  /** The names of every series. */
  List<String> names() {
    return series.stream().map(Series::name).distinct().toList();
  }
}
