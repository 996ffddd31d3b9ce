package io.ultrachat.gateway.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The proxy's meters. Tags are the service and the instance id (bounded by the number of
 * instances a deployment runs), never a path. Thread-safe; Micrometer finds an existing meter by
 * name and tags, so meters are looked up per use instead of cached per instance.
 *
 * <ul>
 *   <li>{@code gateway.upstream.requests{service, instance, status}} — attempts by upstream status class ({@code 2xx} … {@code 5xx})
 *   <li>{@code gateway.upstream.errors{service, instance, kind}} — attempts that got no response: {@code connect}, {@code timeout}, {@code reset}
 *   <li>{@code gateway.upstream.retries{service}} — attempts repeated on another instance
 *   <li>{@code gateway.upstream.latency{service, instance}} — time to the upstream's response headers (histogram)
 *   <li>{@code gateway.upstream.healthy{service}} — instances in rotation
 *   <li>{@code gateway.upstream.unavailable{service}} — requests answered 503 because no instance was in rotation
 * </ul>
 */
final class ProxyMetrics {
  private final MeterRegistry registry;

  ProxyMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void response(Member m, int status, long nanos) {
    Counter.builder("gateway.upstream.requests").description("Proxied attempts by upstream status class")
        .tags("service", m.service, "instance", m.instance.id(), "status", (status / 100) + "xx")
        .register(registry).increment();
    Timer.builder("gateway.upstream.latency").description("Time from sending a proxied request to the upstream's response headers")
        .tags("service", m.service, "instance", m.instance.id())
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  void error(Member m, String kind) {
    Counter.builder("gateway.upstream.errors").description("Proxied attempts that got no response, by kind")
        .tags("service", m.service, "instance", m.instance.id(), "kind", kind)
        .register(registry).increment();
  }

  void retry(String service) {
    Counter.builder("gateway.upstream.retries").description("Proxied attempts repeated on another instance")
        .tag("service", service).register(registry).increment();
  }

  void unavailable(String service) {
    Counter.builder("gateway.upstream.unavailable").description("Requests refused because no instance of the service was in rotation")
        .tag("service", service).register(registry).increment();
  }

  void healthyGauge(String service, Supplier<Number> count) {
    Gauge.builder("gateway.upstream.healthy", count).description("Instances of a service in rotation")
        .tag("service", service).register(registry);
  }

  void openWebSocketsGauge(Supplier<Number> count) {
    Gauge.builder("gateway.upstream.websockets", count).description("WebSockets proxied now").register(registry);
  }
}
