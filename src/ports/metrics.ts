/**
 * Metrics port: what the HTTP layer, the feed pipeline and the learner record, and what `/metrics` renders.
 * Node: Prometheus text through prom-client (src/adapters/metrics/prometheus.node.ts; in a cluster the
 * primary aggregates its workers', src/adapters/metrics/cluster.node.ts). Workers have none (Workers
 * observability records requests and logs there; docs/observability.md), so AppDeps.metrics is optional and
 * `/metrics` answers 404 without it.
 */
export interface RequestObservation {
  method: string;
  /** The matched route pattern (`/v1/products/:id`), never the raw path: bounded label cardinality. */
  route: string;
  status: number;
  seconds: number;
}

/** Stages of the candidate pipeline after recall (recall is timed per source). */
export type FeedStage = "filter" | "rank" | "rerank";

/**
 * What the feed pipeline (src/recsys/feed/feed-service.ts) reports for every candidate list it builds: each
 * recall source's time and, when it was dropped, why; then each later stage's time.
 */
export interface FeedObserver {
  recallSource(source: string, seconds: number, failure: "timeout" | "error" | null): void;
  stage(stage: FeedStage, seconds: number): void;
}

/** One learner cycle as the process that ran it saw it. */
export interface LearnerRunObservation {
  /** ok: every model trained; partial: a model failed, the others registered; error: the cycle threw. */
  outcome: "ok" | "partial" | "error";
  seconds: number;
  /** Unix ms the cycle ended. */
  finishedAt: number;
}

export interface Metrics {
  observeRequest(o: RequestObservation): void;
  readonly feed: FeedObserver;
  observeLearnerRun(o: LearnerRunObservation): void;
  /** A learner thread that died (it is restarted with back-off). */
  observeLearnerCrash(): void;
  /** The exposition text and its content type. Throws when it cannot be assembled (a cluster peer silent). */
  render(): Promise<{ contentType: string; body: string }>;
}
