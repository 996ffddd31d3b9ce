package io.ultrachat.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads what deploy/ ships: Kubernetes objects, the Grafana dashboard, the alert rules. */
final class DeployFiles {
  static final Path DEPLOY = Path.of("..", "deploy");
  static final Path KUBERNETES = DEPLOY.resolve("kubernetes");
  static final Path DASHBOARD = DEPLOY.resolve("monitoring").resolve("grafana-dashboard.json");
  static final Path RULES = DEPLOY.resolve("monitoring").resolve("prometheus-rules.yaml");

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** One object from a manifest file. */
  record K8sObject(Path file, JsonNode node) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }

    /** The layout directory it belongs to, e.g. {@code current}, {@code target}, {@code mesh/istio}. */
    String layout() {
      return KUBERNETES.relativize(file.getParent()).toString().replace('\\', '/');
    }

    @Override
    public String toString() {
      return kind() + " " + name() + " (" + KUBERNETES.relativize(file) + ")";
    }
  }

  private DeployFiles() {}

  static List<Path> manifestFiles() {
    try (Stream<Path> files = Files.walk(KUBERNETES)) {
      return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every object of every manifest file under deploy/kubernetes (multi-document files split). */
  static List<K8sObject> objects() {
    List<K8sObject> out = new ArrayList<>();
    for (Path f : manifestFiles()) {
      for (JsonNode n : readAll(f)) {
        if (n != null && !n.isNull() && !n.isMissingNode()) {
          out.add(new K8sObject(f, n));
        }
      }
    }
    return out;
  }

  static List<JsonNode> readAll(Path yamlFile) {
    try (var parser = new YAMLFactory().createParser(yamlFile.toFile())) {
      return YAML.readValues(parser, JsonNode.class).readAll();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + yamlFile, e);
    }
  }

  static JsonNode dashboard() {
    try {
      return JSON.readTree(DASHBOARD.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + DASHBOARD, e);
    }
  }

  static JsonNode rules() {
    return readAll(RULES).getFirst();
  }

  /** Every PromQL expression of the dashboard's panels. */
  static List<String> dashboardExpressions() {
    List<String> out = new ArrayList<>();
    for (JsonNode panel : dashboard().path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        out.add(target.path("expr").asText());
      }
    }
    return out;
  }

  /** Every PromQL expression of the alert rules. */
  static List<String> ruleExpressions() {
    List<String> out = new ArrayList<>();
    for (JsonNode group : rules().path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        out.add(rule.path("expr").asText());
      }
    }
    return out;
  }

  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*(?=\\s*(\\()?)");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
      "group_left", "group_right", "offset", "bool", "inf", "nan");

  /**
   * The metric names a PromQL expression reads: identifiers that are neither functions (followed
   * by a parenthesis), keywords, label names (inside matchers or grouping clauses) nor numbers.
   */
  static Set<String> metricNames(String expr) {
    String s = STRING.matcher(expr).replaceAll("\"\"");
    s = MATCHERS.matcher(s).replaceAll(" ");
    s = GROUPING.matcher(s).replaceAll(" ");
    s = RANGE.matcher(s).replaceAll(" ");
    s = s.replaceAll("\\$__\\w+|\\$\\w+", " ");
    Set<String> out = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String id = m.group();
      boolean function = m.group(1) != null;
      int before = m.start() - 1;
      boolean partOfNumber = before >= 0 && (Character.isDigit(s.charAt(before)) || s.charAt(before) == '.');
      if (!function && !partOfNumber && !KEYWORDS.contains(id.toLowerCase())) {
        out.add(id);
      }
    }
    return out;
  }
}
