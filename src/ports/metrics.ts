/**
 * Metrics port: what the HTTP layer records per request and what `/metrics` renders. Node: Prometheus text
 * through prom-client (src/adapters/metrics/prometheus.node.ts). Workers have none (Workers observability
 * records requests there), so AppDeps.metrics is optional and `/metrics` answers 404 without it.
 */
export interface RequestObservation {
  method: string;
  /** The matched route pattern (`/v1/products/:id`), never the raw path: bounded label cardinality. */
  route: string;
  status: number;
  seconds: number;
}

export interface Metrics {
  observeRequest(o: RequestObservation): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}
