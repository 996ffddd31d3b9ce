package io.ultrachat.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.kernel.config.Settings;
import io.ultrachat.server.Catalog;
import io.ultrachat.server.deploy.DeployFiles.K8sObject;
import io.ultrachat.gateway.GatewaySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The invariants of deploy/kubernetes that a reviewer would otherwise check by eye: probes on
 * the documented paths, sized resources, an HPA and a PDB per workload, gradual rollouts that
 * outlast the server's drain, a locked-down security context, and only documented settings.
 * Schema validation against the Kubernetes API is deploy/check.sh's job (it needs npm).
 */
class DeployManifestsTest {
  private static final Set<String> WORKLOAD_KINDS = Set.of("Deployment", "StatefulSet");
  private static final Path CONFIGURATION_DOC = Path.of("..", "docs", "configuration.md");

  private final List<K8sObject> objects = DeployFiles.objects();

  private List<K8sObject> workloads() {
    return objects.stream().filter(o -> WORKLOAD_KINDS.contains(o.kind())).toList();
  }

  private static JsonNode podSpec(K8sObject w) {
    return w.node().path("spec").path("template").path("spec");
  }

  private static JsonNode container(K8sObject w) {
    return podSpec(w).path("containers").get(0);
  }

  @Test
  void everyManifestParsesAndEveryLayoutListsItsFiles() throws IOException {
    assertThat(objects).isNotEmpty();
    for (K8sObject o : objects) {
      assertThat(o.node().path("apiVersion").asText()).as("apiVersion of %s", o).isNotEmpty();
      assertThat(o.kind()).as("kind in %s", o.file()).isNotEmpty();
    }
    for (Path kustomization : DeployFiles.manifestFiles().stream().filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList()) {
      Path dir = kustomization.getParent();
      List<String> resources = new ArrayList<>();
      DeployFiles.readAll(kustomization).getFirst().path("resources").forEach(r -> resources.add(r.asText()));
      for (String r : resources) {
        assertThat(dir.resolve(r)).as("resource %s of %s", r, kustomization).exists();
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.equals(kustomization)).toList()) {
          assertThat(resources).as("%s lists %s", kustomization, f.getFileName()).contains(f.getFileName().toString());
        }
      }
    }
    assertThat(workloads()).extracting(K8sObject::layout).contains("current", "target");
  }

  @Test
  void everyWorkloadHasBothProbesOnTheDocumentedPathsAndPort() {
    for (K8sObject w : workloads()) {
      JsonNode c = container(w);
      assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).as("readiness of %s", w).isEqualTo("/health/ready");
      assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).as("liveness of %s", w).isEqualTo("/health/live");
      int httpPort = httpPort(w);
      for (String probe : List.of("readinessProbe", "livenessProbe")) {
        JsonNode port = c.path(probe).path("httpGet").path("port");
        int resolved = port.isInt() ? port.asInt() : containerPort(c, port.asText());
        assertThat(resolved).as("%s port of %s", probe, w).isEqualTo(httpPort);
      }
    }
  }

  /** The port the server listens on: ULTRACHAT_HTTP_PORT from the workload's settings, else the default. */
  private int httpPort(K8sObject w) {
    String port = environment(w).getOrDefault("ULTRACHAT_HTTP_PORT", GatewaySettings.PORT.defaultValue());
    return Integer.parseInt(port);
  }

  private static int containerPort(JsonNode container, String name) {
    for (JsonNode p : container.path("ports")) {
      if (p.path("name").asText().equals(name)) {
        return p.path("containerPort").asInt();
      }
    }
    throw new AssertionError("no container port named " + name);
  }

  @Test
  void everyWorkloadRequestsAndLimitsCpuAndMemory() {
    for (K8sObject w : workloads()) {
      JsonNode resources = container(w).path("resources");
      for (String section : List.of("requests", "limits")) {
        for (String resource : List.of("cpu", "memory")) {
          assertThat(resources.path(section).path(resource).asText()).as("%s.%s of %s", section, resource, w).isNotEmpty();
        }
      }
    }
  }

  @Test
  void everyWorkloadHasAnAutoscalerAndADisruptionBudgetInItsLayout() {
    for (K8sObject w : workloads()) {
      List<K8sObject> sameLayout = objects.stream().filter(o -> o.layout().equals(w.layout())).toList();
      assertThat(sameLayout).as("HPA for %s", w).anySatisfy(h -> {
        assertThat(h.kind()).isEqualTo("HorizontalPodAutoscaler");
        assertThat(h.node().path("spec").path("scaleTargetRef").path("kind").asText()).isEqualTo(w.kind());
        assertThat(h.node().path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo(w.name());
        assertThat(h.node().path("spec").path("maxReplicas").asInt())
            .isGreaterThanOrEqualTo(h.node().path("spec").path("minReplicas").asInt(1));
      });
      JsonNode podLabels = w.node().path("spec").path("template").path("metadata").path("labels");
      assertThat(sameLayout).as("PDB for %s", w).anySatisfy(p -> {
        assertThat(p.kind()).isEqualTo("PodDisruptionBudget");
        assertThat(selects(p.node().path("spec").path("selector").path("matchLabels"), podLabels)).isTrue();
      });
    }
  }

  @Test
  void everyServiceSelectsTheWorkloadOfItsLayout() {
    for (K8sObject s : objects.stream().filter(o -> o.kind().equals("Service")).toList()) {
      assertThat(workloads()).as("pods behind %s", s).anySatisfy(w -> {
        assertThat(w.layout()).isEqualTo(s.layout());
        assertThat(selects(s.node().path("spec").path("selector"), w.node().path("spec").path("template").path("metadata").path("labels"))).isTrue();
      });
    }
  }

  private static boolean selects(JsonNode matchLabels, JsonNode labels) {
    if (matchLabels.isMissingNode() || matchLabels.isEmpty()) {
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = matchLabels.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!labels.path(e.getKey()).asText("\u0000").equals(e.getValue().asText())) {
        return false;
      }
    }
    return true;
  }

  @Test
  void rolloutsAreGradualAndOutlastTheServersDrain() {
    for (K8sObject w : workloads()) {
      JsonNode spec = w.node().path("spec");
      if (w.kind().equals("Deployment")) {
        JsonNode strategy = spec.path("strategy");
        assertThat(strategy.path("type").asText()).as("strategy of %s", w).isEqualTo("RollingUpdate");
        assertThat(strategy.path("rollingUpdate").path("maxUnavailable").asText()).as("maxUnavailable of %s", w).isEqualTo("0");
        assertThat(strategy.path("rollingUpdate").path("maxSurge").asText()).as("maxSurge of %s", w).isEqualTo("1");
      } else {
        // A StatefulSet replaces one pod at a time and waits for it to be ready.
        assertThat(spec.path("updateStrategy").path("type").asText()).as("updateStrategy of %s", w).isEqualTo("RollingUpdate");
        assertThat(spec.path("updateStrategy").path("rollingUpdate").path("partition").asInt(0)).as("partition of %s", w).isZero();
      }
      assertThat(spec.path("minReadySeconds").asInt()).as("minReadySeconds of %s", w).isPositive();

      JsonNode preStop = container(w).path("lifecycle").path("preStop").path("exec").path("command");
      assertThat(preStop.isArray() && preStop.size() == 2 && preStop.get(0).asText().equals("sleep"))
          .as("preStop sleep of %s", w).isTrue();
      long sleep = Long.parseLong(preStop.get(1).asText());
      Settings settings = Settings.builder(Catalog.all())
          .environment(Map.of(
              "ULTRACHAT_HTTP_SHUTDOWN_GRACE", environment(w).getOrDefault("ULTRACHAT_HTTP_SHUTDOWN_GRACE",
                  GatewaySettings.SHUTDOWN_GRACE.defaultValue()),
              "ULTRACHAT_HTTP_SHUTDOWN_DELAY", environment(w).getOrDefault("ULTRACHAT_HTTP_SHUTDOWN_DELAY",
                  GatewaySettings.SHUTDOWN_DELAY.defaultValue())))
          .build();
      Duration grace = settings.get(GatewaySettings.SHUTDOWN_GRACE);
      Duration delay = settings.get(GatewaySettings.SHUTDOWN_DELAY);
      // The server keeps serving out of rotation for the delay, drains its listeners for up to the
      // grace period, then its workers for up to the same again (Gateway.stop); the pod must not
      // be killed before that.
      long needed = sleep + delay.toSeconds() + 2 * grace.toSeconds() + 5;
      assertThat(podSpec(w).path("terminationGracePeriodSeconds").asLong())
          .as("terminationGracePeriodSeconds of %s (preStop %ds + http.shutdown-delay %s + 2 x http.shutdown-grace %s + 5s)",
              w, sleep, delay, grace)
          .isGreaterThanOrEqualTo(needed);
    }
  }

  @Test
  void podsRunAsNonRootOnAReadOnlyRootWithNoCapabilities() {
    Set<String> serviceAccounts = Set.copyOf(objects.stream().filter(o -> o.kind().equals("ServiceAccount")).map(K8sObject::name).toList());
    for (K8sObject w : workloads()) {
      JsonNode pod = podSpec(w);
      JsonNode c = container(w);
      assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean() || c.path("securityContext").path("runAsNonRoot").asBoolean())
          .as("runAsNonRoot of %s", w).isTrue();
      assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).as("readOnlyRootFilesystem of %s", w).isTrue();
      assertThat(c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).as("allowPrivilegeEscalation of %s", w).isFalse();
      assertThat(c.path("securityContext").path("capabilities").path("drop").toString()).as("capabilities of %s", w).contains("\"ALL\"");
      assertThat(c.path("volumeMounts").toString()).as("/tmp of %s", w).contains("\"mountPath\":\"/tmp\"");
      assertThat(pod.path("serviceAccountName").asText()).as("service account of %s", w).isIn(serviceAccounts);
      assertThat(pod.path("topologySpreadConstraints").isEmpty() && pod.path("affinity").path("podAntiAffinity").isMissingNode())
          .as("spreading of %s", w).isFalse();
    }
  }

  @Test
  void everyUltraChatVariableIsADocumentedSetting() throws IOException {
    Set<String> documented = documentedVariables();
    for (K8sObject w : workloads()) {
      for (String name : environment(w).keySet()) {
        if (!name.startsWith("ULTRACHAT_")) {
          continue;
        }
        if (w.layout().equals("current")) {
          assertThat(documented).as("%s used by %s is documented in docs/configuration.md", name, w).contains(name);
        } else {
          assertThat(documented.contains(name))
              .as("%s used by %s is documented in docs/configuration.md", name, w).isTrue();
        }
      }
    }
  }

  /** Every ULTRACHAT_* name docs/configuration.md mentions in code spans (the table and the notes). */
  private static Set<String> documentedVariables() throws IOException {
    Matcher m = Pattern.compile("`(ULTRACHAT_[A-Z0-9_]+)`").matcher(Files.readString(CONFIGURATION_DOC));
    Set<String> out = new java.util.HashSet<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /**
   * The environment a workload's container gets: ConfigMaps and Secrets of its layout named in
   * envFrom, then its own env entries (literal values; values from elsewhere count as present).
   */
  private Map<String, String> environment(K8sObject w) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode c = container(w);
    for (JsonNode from : c.path("envFrom")) {
      for (String kind : List.of("ConfigMap", "Secret")) {
        String ref = from.path(kind.equals("ConfigMap") ? "configMapRef" : "secretRef").path("name").asText();
        if (ref.isEmpty()) {
          continue;
        }
        Optional<K8sObject> source = objects.stream()
            .filter(o -> o.kind().equals(kind) && o.name().equals(ref) && o.layout().equals(w.layout())).findFirst();
        assertThat(source).as("%s %s referenced by %s", kind, ref, w).isPresent();
        for (String field : List.of("data", "stringData")) {
          source.get().node().path(field).fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        }
      }
    }
    for (JsonNode e : c.path("env")) {
      env.put(e.path("name").asText(), e.path("value").asText(""));
    }
    return env;
  }

  @Test
  void theDashboardParsesAndEveryPanelQueriesSomething() {
    JsonNode dashboard = DeployFiles.dashboard();
    assertThat(dashboard.path("title").asText()).isNotEmpty();
    assertThat(dashboard.path("panels")).isNotEmpty();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.path("targets")).as("targets of panel %s", panel.path("title")).isNotEmpty();
      for (JsonNode t : panel.path("targets")) {
        assertThat(DeployFiles.metricNames(t.path("expr").asText())).as("metrics of %s", t.path("expr")).isNotEmpty();
      }
    }
    assertThat(DeployFiles.dashboardExpressions()).anyMatch(e -> e.contains("cache_gets_total"))
        .anyMatch(e -> e.contains("db_pool_connections")).anyMatch(e -> e.contains("http_server_requests_seconds_bucket"))
        .anyMatch(e -> e.contains("jvm_memory_used_bytes")).anyMatch(e -> e.contains("jvm_gc_pause_seconds"));
  }

  @Test
  void everyAlertRuleHasAnExpressionADurationAndASeverity() {
    List<String> alerts = new ArrayList<>();
    for (JsonNode group : DeployFiles.rules().path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        alerts.add(rule.path("alert").asText());
        assertThat(rule.path("expr").asText()).as("expr of %s", rule.path("alert")).isNotBlank();
        assertThat(rule.path("for").asText()).as("for of %s", rule.path("alert")).isNotBlank();
        assertThat(rule.path("labels").path("severity").asText()).as("severity of %s", rule.path("alert")).isIn("critical", "warning");
      }
    }
    assertThat(alerts).contains("UltraChatInstanceDown", "UltraChatHighErrorRate", "UltraChatP99LatencyHigh",
        "UltraChatCacheHitRateLow", "UltraChatDatabasePoolWaiting");
  }

  @Test
  void metricNamesAreReadFromPromQl() {
    assertThat(DeployFiles.metricNames(
        "histogram_quantile(0.99, sum by (le, route) (rate(http_server_requests_seconds_bucket{route!~\"/a|/b\"}[5m]))) > 0.1"
            + " and on (route) sum by (route) (rate(http_server_requests_seconds_count[$__rate_interval])) > 1e3"))
        .containsExactlyInAnyOrder("http_server_requests_seconds_bucket", "http_server_requests_seconds_count");
    assertThat(DeployFiles.metricNames("up{job=~\".*ultrachat.*\"} == 0")).containsExactly("up");
  }
}
