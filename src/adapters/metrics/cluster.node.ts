import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from "prom-client";
import { UnavailableError } from "../../domain/errors";
import type { Metrics } from "../../ports/metrics";
import type { PrometheusMetrics } from "./prometheus.node";

/**
 * One `/metrics` for a node:cluster pod. A scrape reaches whichever worker the primary hands the connection
 * to; that worker asks the primary (IPC), which collects every live worker's registry as JSON, adds its own
 * (learner runs, event backlog, its process metrics) and aggregates them with prom-client's
 * AggregatorRegistry: counters and histograms summed, gauges by their aggregator (`max` for the ones every
 * worker reports alike). A worker that does not answer within the timeout fails the scrape (503) rather
 * than yielding totals that drop and read as counter resets.
 */
const SCRAPE = "recircuit:metrics:scrape"; // worker -> primary: a request wants the pod's metrics
const TEXT = "recircuit:metrics:text"; // primary -> worker: the aggregated exposition (or why not)
const COLLECT = "recircuit:metrics:collect"; // primary -> worker: send your registry
const SNAPSHOT = "recircuit:metrics:snapshot"; // worker -> primary: its registry as JSON

type Snapshot = MetricObjectWithValues<MetricValue<string>>[];
type Message =
  | { type: typeof SCRAPE; id: number }
  | { type: typeof TEXT; id: number; body?: string; error?: string }
  | { type: typeof COLLECT; id: number }
  | { type: typeof SNAPSHOT; id: number; metrics?: Snapshot; error?: string };

const isMessage = (m: unknown): m is Message =>
  typeof m === "object" &&
  m !== null &&
  typeof (m as { type?: unknown }).type === "string" &&
  (m as { type: string }).type.startsWith("recircuit:metrics:");

/** Primary side: answers workers' scrapes with the whole pod's metrics. Returns a function that stops it. */
export function serveClusterMetrics(own: PrometheusMetrics, { timeoutMs = 3000 } = {}): () => void {
  let next = 0;
  const waiting = new Map<number, (m: Extract<Message, { type: typeof SNAPSHOT }>) => void>();

  const snapshotOf = (worker: Worker): Promise<Snapshot> =>
    new Promise((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`worker ${worker.process.pid} sent no metrics within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(id, (m) => {
        clearTimeout(timer);
        waiting.delete(id);
        if (m.metrics) resolve(m.metrics);
        else reject(new Error(`worker ${worker.process.pid}: ${m.error ?? "no metrics"}`));
      });
      worker.send({ type: COLLECT, id } satisfies Message);
    });

  const aggregate = async (): Promise<string> => {
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w?.isConnected());
    const all = await Promise.all([own.registry.getMetricsAsJSON(), ...workers.map(snapshotOf)]);
    return AggregatorRegistry.aggregate(all as Snapshot[]).metrics();
  };

  const onMessage = (worker: Worker, m: unknown): void => {
    if (!isMessage(m)) return;
    if (m.type === SNAPSHOT) waiting.get(m.id)?.(m);
    else if (m.type === SCRAPE)
      aggregate().then(
        (body) => worker.isConnected() && worker.send({ type: TEXT, id: m.id, body } satisfies Message),
        (err: unknown) =>
          worker.isConnected() &&
          worker.send({ type: TEXT, id: m.id, error: err instanceof Error ? err.message : String(err) }),
      );
  };
  cluster.on("message", onMessage);
  return () => cluster.off("message", onMessage);
}

/**
 * Worker side: `local` records this worker's requests and feeds; `render()` returns the whole pod's metrics
 * through the primary, and the primary's collection requests are answered with `local`'s registry.
 */
export function clusterWorkerMetrics(local: PrometheusMetrics, { timeoutMs = 5000 } = {}): Metrics {
  const send = process.send?.bind(process);
  if (!send) throw new Error("clusterWorkerMetrics runs in a node:cluster worker (no IPC channel)");
  let next = 0;
  const waiting = new Map<number, (m: Extract<Message, { type: typeof TEXT }>) => void>();
  process.on("message", (m: unknown) => {
    if (!isMessage(m)) return;
    if (m.type === TEXT) waiting.get(m.id)?.(m);
    else if (m.type === COLLECT)
      local.registry.getMetricsAsJSON().then(
        (metrics) => send({ type: SNAPSHOT, id: m.id, metrics } satisfies Message),
        (err: unknown) =>
          send({ type: SNAPSHOT, id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies Message),
      );
  });
  const unavailable = (why: string) => new UnavailableError("service_unavailable", `metrics unavailable: ${why}`, 5);
  return {
    observeRequest: (o) => local.observeRequest(o),
    feed: local.feed,
    observeLearnerRun: (o) => local.observeLearnerRun(o),
    observeLearnerCrash: () => local.observeLearnerCrash(),
    render: () =>
      new Promise((resolve, reject) => {
        const id = next++;
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(unavailable(`the cluster primary did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, (m) => {
          clearTimeout(timer);
          waiting.delete(id);
          if (m.body !== undefined) resolve({ contentType: local.registry.contentType, body: m.body });
          else reject(unavailable(m.error ?? "no answer"));
        });
        send({ type: SCRAPE, id } satisfies Message);
      }),
  };
}
