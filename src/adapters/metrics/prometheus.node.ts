import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Metrics } from "../../ports/metrics";
import { LEARNER_RUN_BUCKETS, type LearnerRunStats } from "../../ops/learner-runs";
import type { LeaseState } from "../../ports/lease";

export interface PrometheusMetricsOptions {
  /** The serving model set's version, or null while loading: exported as a gauge label on each scrape. */
  liveModelVersion?: () => string | null;
  /** Registry version served per model (`fism-bpr` → `v…`), or null while loading (no series then). */
  servedVersions?: () => Readonly<Record<string, string>> | null;
  /**
   * Interaction events logged after the newest trained versions' event position (src/recsys/event-backlog.ts).
   * Given to the one process per pod that owns it (the single process, or the cluster primary).
   */
  eventBacklog?: () => Promise<number>;
  /**
   * Learner runs recorded in the database, wherever they ran (src/ops/learner-runs.ts): the CronJob's
   * `npm run learn` and any pod's learner thread. Given to the same one process per pod as the backlog.
   */
  learnerRuns?: () => Promise<LearnerRunStats>;
  /** The database's leases (src/ports/lease.ts): who holds the single-writer work, whichever process it is. */
  leases?: () => Promise<LeaseState[]>;
  /** Which process this is, as the memory gauge's `process` label: `main`, `primary`, `worker-0`, … */
  processName?: string;
  /** Process metrics (RSS, heap, event-loop lag, GC): on by default, off in tests that count series. */
  processMetrics?: boolean;
  /** A collector that failed (the series is left out of that scrape; the failure is counted and logged). */
  onCollectError?: (metric: string, err: unknown) => void;
}

/** The Metrics port plus the registry behind it (the cluster aggregation reads it as JSON). */
export interface PrometheusMetrics extends Metrics {
  readonly registry: Registry;
}

// Recall sources and stages run in microseconds to tens of milliseconds (their budgets are 5-15 ms).
const FEED_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1];
// A learner cycle: an idle one in well under a second, an incremental one seconds, a full one minutes.
const LEARNER_BUCKETS = [0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * Prometheus metrics of one process, on its own registry (tests build several in one process). Families:
 * requests and latency by route; feed recall per source (time, failures) and later stages; model versions
 * live; learner runs (by outcome, duration, last success); event backlog; memory per process. Gauges that
 * every cluster worker reports alike are aggregated with `max`, counters and histograms summed.
 */
export function createPrometheusMetrics(options: PrometheusMetricsOptions = {}): PrometheusMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "recircuit_" });
  const registers = [registry];
  const requests = new Counter({
    name: "recircuit_http_requests_total",
    help: "HTTP requests answered, by method, matched route and status",
    labelNames: ["method", "route", "status"] as const,
    registers,
  });
  const duration = new Histogram({
    name: "recircuit_http_request_duration_seconds",
    help: "HTTP request latency from the first middleware to the response, by method and matched route",
    labelNames: ["method", "route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });

  const recall = new Histogram({
    name: "recircuit_feed_recall_duration_seconds",
    help: "Time of each recall source per candidate list (home feed and recommendation routes), dropped ones included",
    labelNames: ["source"] as const,
    buckets: FEED_BUCKETS,
    registers,
  });
  const recallFailures = new Counter({
    name: "recircuit_feed_recall_failures_total",
    help: "Recall sources dropped from a candidate list, by source and reason (timeout: over its budget; error: threw)",
    labelNames: ["source", "reason"] as const,
    registers,
  });
  const stages = new Histogram({
    name: "recircuit_feed_stage_duration_seconds",
    help: "Time of the candidate pipeline's stages after recall: filter (listing state + exclusions), rank, rerank",
    labelNames: ["stage"] as const,
    buckets: FEED_BUCKETS,
    registers,
  });

  const collectFailures = new Counter({
    name: "recircuit_metric_collect_failures_total",
    help: "Scrape-time collectors that failed (their series is missing from that scrape), by metric",
    labelNames: ["metric"] as const,
    registers,
  });
  const failed = (metric: string, err: unknown): void => {
    collectFailures.inc({ metric });
    options.onCollectError?.(metric, err);
  };

  const liveModel = options.liveModelVersion;
  new Gauge({
    name: "recircuit_models_live",
    help: "1 for the serving model set's version this process serves (no series while models load)",
    labelNames: ["version"] as const,
    aggregator: "max",
    registers,
    collect() {
      this.reset();
      const version = liveModel?.() ?? null;
      if (version) this.set({ version }, 1);
    },
  });
  const served = options.servedVersions;
  new Gauge({
    name: "recircuit_model_version_live",
    help: "1 per model and registry version this process serves (both versions show while workers reload)",
    labelNames: ["model", "version"] as const,
    aggregator: "max",
    registers,
    collect() {
      this.reset();
      for (const [model, version] of Object.entries(served?.() ?? {})) this.set({ model, version }, 1);
    },
  });

  const learnerRuns = new Counter({
    name: "recircuit_learner_runs_total",
    help: "Learner cycles run in this pod, by outcome (ok, partial: a model failed, error: the cycle threw, crashed: the thread died)",
    labelNames: ["outcome"] as const,
    registers,
  });
  for (const outcome of ["ok", "partial", "error", "crashed"]) learnerRuns.inc({ outcome }, 0);
  const learnerDuration = new Histogram({
    name: "recircuit_learner_run_duration_seconds",
    help: "Duration of learner cycles run in this pod, by outcome",
    labelNames: ["outcome"] as const,
    buckets: LEARNER_BUCKETS,
    registers,
  });
  const learnerLastSuccess = new Gauge({
    name: "recircuit_learner_last_success_timestamp_seconds",
    help: "Unix time the last learner cycle without a failed model ended in this pod (no series before one)",
    aggregator: "max",
    registers,
  });

  const backlog = options.eventBacklog;
  if (backlog)
    new Gauge({
      name: "recircuit_event_backlog",
      help: "Interaction events logged after the event position the newest trained versions include (not yet folded in)",
      aggregator: "max",
      registers,
      async collect() {
        this.reset();
        try {
          this.set(await backlog());
        } catch (err) {
          failed("recircuit_event_backlog", err);
        }
      },
    });

  if (options.learnerRuns) registerRecordedLearnerRuns(registry, options.learnerRuns, failed);
  const leases = options.leases;
  if (leases)
    sourcedFamily(
      registry,
      {
        name: "recircuit_lease_live",
        help: "1 per live lease of single-writer work (model-selection, learner, reembed) and the process holding it (pod/pid#id, scheduler-worker#id); no series while nobody holds it",
        type: "gauge",
      },
      async () =>
        (await leases()).filter((l) => l.live).map((l) => ({ value: 1, labels: { lease: l.name, holder: l.holder } })),
      failed,
    );

  const processName = options.processName ?? "main";
  new Gauge({
    name: "recircuit_process_memory_bytes",
    help: "Memory of each process of the pod (process.memoryUsage): rss, heap_used, heap_total, external, array_buffers",
    labelNames: ["process", "kind"] as const,
    registers,
    collect() {
      const m = process.memoryUsage();
      this.set({ process: processName, kind: "rss" }, m.rss);
      this.set({ process: processName, kind: "heap_used" }, m.heapUsed);
      this.set({ process: processName, kind: "heap_total" }, m.heapTotal);
      this.set({ process: processName, kind: "external" }, m.external);
      this.set({ process: processName, kind: "array_buffers" }, m.arrayBuffers);
    },
  });

  return {
    registry,
    observeRequest({ method, route, status, seconds }) {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    },
    feed: {
      recallSource(source, seconds, failure) {
        recall.observe({ source }, seconds);
        if (failure) recallFailures.inc({ source, reason: failure });
      },
      stage(stage, seconds) {
        stages.observe({ stage }, seconds);
      },
    },
    observeLearnerRun({ outcome, seconds, finishedAt }) {
      learnerRuns.inc({ outcome });
      learnerDuration.observe({ outcome }, seconds);
      if (outcome === "ok") learnerLastSuccess.set(finishedAt / 1000);
    },
    observeLearnerCrash() {
      learnerRuns.inc({ outcome: "crashed" });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

type Labels = Record<string, string | number>;
interface Sample {
  value: number;
  labels: Labels;
  metricName?: string;
}

/**
 * A family whose samples are read at scrape time from an outside source: prom-client's metric interface
 * (what Registry.registerMetric takes), since its Counter and Histogram only count observations made here.
 */
function sourcedFamily(
  registry: Registry,
  meta: { name: string; help: string; type: "counter" | "gauge" | "histogram" },
  samples: () => Promise<Sample[]>,
  failed: (metric: string, err: unknown) => void,
): void {
  registry.registerMetric({
    ...meta,
    aggregator: "max",
    async get() {
      let values: Sample[] = [];
      try {
        values = await samples();
      } catch (err) {
        failed(meta.name, err);
      }
      return { ...meta, aggregator: "max", values };
    },
    reset() {},
  } as unknown as Parameters<Registry["registerMetric"]>[0]);
}

/**
 * The learner's runs as the database records them, by `runner` (job: `npm run learn`; thread: a pod's
 * learner thread) and `status` (ok, failed, killed): the same figures in every pod, so cluster queries take
 * `max` over pods (docs/observability.md). One query per scrape (cached), shared by the families.
 */
function registerRecordedLearnerRuns(
  registry: Registry,
  source: () => Promise<LearnerRunStats>,
  failed: (metric: string, err: unknown) => void,
): void {
  const stats = source; // cached by the caller (cachedLearnerRunStats): the families share one read
  const runs = "recircuit_learner_recorded_runs_total";
  sourcedFamily(
    registry,
    {
      name: runs,
      help: "Learner runs recorded in the database, wherever they ran, by runner (job: npm run learn; thread: a pod's learner thread) and status (ok, failed, killed: its process died or was stopped)",
      type: "counter",
    },
    async () => (await stats()).groups.map((g) => ({ value: g.count, labels: { runner: g.runner, status: g.status } })),
    failed,
  );
  const duration = "recircuit_learner_recorded_run_duration_seconds";
  sourcedFamily(
    registry,
    {
      name: duration,
      help: "Duration of the learner runs recorded in the database, by runner and status",
      type: "histogram",
    },
    async () =>
      (await stats()).groups.flatMap((g) => {
        const labels = { runner: g.runner, status: g.status };
        return [
          ...LEARNER_RUN_BUCKETS.map((le, i) => ({
            metricName: `${duration}_bucket`,
            labels: { le, ...labels },
            value: g.buckets[i],
          })),
          { metricName: `${duration}_bucket`, labels: { le: "+Inf", ...labels }, value: g.count },
          { metricName: `${duration}_sum`, labels, value: g.sumSeconds },
          { metricName: `${duration}_count`, labels, value: g.count },
        ];
      }),
    failed,
  );
  sourcedFamily(
    registry,
    {
      name: "recircuit_learner_recorded_last_run_timestamp_seconds",
      help: "Unix time the newest recorded learner run of each runner and status ended (no series before one)",
      type: "gauge",
    },
    async () =>
      (await stats()).groups.flatMap((g) =>
        g.lastFinishedAt === null
          ? []
          : [{ value: g.lastFinishedAt / 1000, labels: { runner: g.runner, status: g.status } }],
      ),
    failed,
  );
  sourcedFamily(
    registry,
    {
      name: "recircuit_learner_recorded_runs_in_progress",
      help: "Learner runs recorded as running (a killed one stays so until the next start marks it)",
      type: "gauge",
    },
    async () => [{ value: (await stats()).running, labels: {} }],
    failed,
  );
  sourcedFamily(
    registry,
    {
      name: "recircuit_learner_recorded_running_since_timestamp_seconds",
      help: "Unix time the oldest learner run in progress started (no series when none runs)",
      type: "gauge",
    },
    async () => {
      const since = (await stats()).runningSince;
      return since === null ? [] : [{ value: since / 1000, labels: {} }];
    },
    failed,
  );
}
