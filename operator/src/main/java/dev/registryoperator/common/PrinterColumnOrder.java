package dev.registryoperator.common;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts a generated CRD's printer columns in the order they are declared on the resource class, Age
 * last. kubectl prints the columns in the CRD's order, and the CRD generator sorts them by JSON
 * path (fabric8io/kubernetes-client#7454), which puts Age first. The build runs {@link #main} on
 * the generated CRDs (operator/pom.xml). Only whole column entries move: every line stays as the
 * generator wrote it.
 */
public final class PrinterColumnOrder {
  /** The column kubectl shows last for every built-in kind. */
  public static final String AGE = "Age";

  private static final Pattern LIST = Pattern.compile(" *(- )?additionalPrinterColumns:");
  private static final Pattern ENTRY = Pattern.compile("( *)- .*");
  private static final ObjectMapper YAML = new YAMLMapper();

  private PrinterColumnOrder() {}

  /**
   * Rewrites the generated CRD of each resource class: the directory of the generated CRDs first,
   * then the classes' names.
   */
  public static void main(String[] args) throws IOException, ClassNotFoundException {
    Path directory = Path.of(args[0]);
    for (String name : Arrays.asList(args).subList(1, args.length)) {
      Class<?> resource = Class.forName(name);
      Path file = directory.resolve(CustomResource.getCRDName(resource) + "-v1.yml");
      String crd = Files.readString(file);
      String ordered = reorder(crd, declared(resource));
      if (!ordered.equals(crd)) {
        Files.writeString(file, ordered);
      }
    }
  }

  /**
   * The names of the printer columns declared on the class, in the order of their annotations, with
   * Age moved last.
   */
  public static List<String> declared(Class<?> resource) {
    List<String> names = new ArrayList<>();
    boolean age = false;
    for (AdditionalPrinterColumn column :
        resource.getAnnotationsByType(AdditionalPrinterColumn.class)) {
      if (column.name().equals(AGE)) {
        age = true;
      } else {
        names.add(column.name());
      }
    }
    if (age) {
      names.add(AGE);
    }
    return names;
  }

  /**
   * The CRD's YAML with the entries of each additionalPrinterColumns list in this order of their
   * names; every line is kept as it is. Fails when a list's column names are not exactly these.
   */
  public static String reorder(String crd, List<String> order) {
    List<String> lines = new ArrayList<>(Arrays.asList(crd.split("\n", -1)));
    for (int i = 0; i < lines.size(); i++) {
      if (!LIST.matcher(lines.get(i)).matches() || i + 1 == lines.size()) {
        continue;
      }
      Matcher first = ENTRY.matcher(lines.get(i + 1));
      if (!first.matches()) {
        continue;
      }
      String entryStart = first.group(1) + "- ";
      String entryRest = first.group(1) + "  ";
      List<List<String>> entries = new ArrayList<>();
      int end = i + 1;
      for (; end < lines.size(); end++) {
        String line = lines.get(end);
        if (line.startsWith(entryStart)) {
          entries.add(new ArrayList<>(List.of(line)));
        } else if (line.startsWith(entryRest)) {
          entries.get(entries.size() - 1).add(line);
        } else {
          break;
        }
      }
      Map<String, List<String>> byName = new LinkedHashMap<>();
      for (List<String> entry : entries) {
        byName.put(name(entry, first.group(1).length()), entry);
      }
      if (byName.size() != entries.size()
          || order.size() != new HashSet<>(order).size()
          || !byName.keySet().equals(new HashSet<>(order))) {
        throw new IllegalArgumentException(
            "the CRD's printer columns " + byName.keySet() + " are not the declared ones " + order);
      }
      List<String> ordered = new ArrayList<>();
      order.forEach(name -> ordered.addAll(byName.get(name)));
      lines.subList(i + 1, end).clear();
      lines.addAll(i + 1, ordered);
      i = end - 1;
    }
    return String.join("\n", lines);
  }

  /** The name of one column entry, its lines indented by this much. */
  private static String name(List<String> entry, int indent) {
    StringBuilder text = new StringBuilder();
    entry.forEach(line -> text.append(line.substring(indent)).append('\n'));
    try {
      return YAML.readTree(text.toString()).path(0).path("name").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
