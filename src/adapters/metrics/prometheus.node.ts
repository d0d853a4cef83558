import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Metrics } from "../../ports/metrics";

export interface PrometheusMetricsOptions {
  /** The serving model set's version, or null while loading: exported as a gauge label on each scrape. */
  liveModelVersion?: () => string | null;
  /** Process metrics (RSS, heap, event-loop lag, GC): on by default, off in tests that count series. */
  processMetrics?: boolean;
}

/** Prometheus metrics of one process, on its own registry (tests build several in one process). */
export function createPrometheusMetrics(options: PrometheusMetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "recircuit_" });
  const requests = new Counter({
    name: "recircuit_http_requests_total",
    help: "HTTP requests answered, by method, matched route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "recircuit_http_request_duration_seconds",
    help: "HTTP request latency from the first middleware to the response, by method and matched route",
    labelNames: ["method", "route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const liveModel = options.liveModelVersion;
  new Gauge({
    name: "recircuit_models_live",
    help: "1 for the serving model set's version this process serves (no series while models load)",
    labelNames: ["version"] as const,
    registers: [registry],
    collect() {
      this.reset();
      const version = liveModel?.() ?? null;
      if (version) this.set({ version }, 1);
    },
  });
  return {
    observeRequest({ method, route, status, seconds }) {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
