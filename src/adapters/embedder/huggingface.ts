import {
  InferenceClient,
  InferenceClientProviderApiError,
  InferenceClientProviderOutputError,
} from "@huggingface/inference";
import { normalize } from "../../../ml/embed/embedder.js";
import { EmbedderError, type Embedder } from "../../ports/embedder";
import { realSleep, TokenBucket } from "./token-bucket";

export const DEFAULT_HF_EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2";
export const DEFAULT_HF_EMBEDDING_DIMENSION = 384;

export interface HuggingFaceEmbedderOptions {
  accessToken: string;
  /** A sentence-embedding model served by feature-extraction, e.g. sentence-transformers/all-MiniLM-L6-v2. */
  model: string;
  dimension: number;
  /**
   * Full URL of a feature-extraction endpoint (a dedicated Inference Endpoint, a TEI server, the contract
   * tests' fake). Default: the hosted hf-inference route, router.huggingface.co/hf-inference/models/<model>/pipeline/feature-extraction.
   */
  endpointUrl?: string;
  /** Texts per request (default 32: the hosted pipeline's batch limit is well above this). */
  batchSize?: number;
  /** Retries of one request after a 429, a 5xx or a network failure (default 4). */
  retries?: number;
  /** Exponential backoff with full jitter: attempt n waits random * min(maxMs, baseMs * 2^n); Retry-After wins when longer. */
  backoff?: { baseMs: number; maxMs: number };
  /** Client-side token bucket over requests (default 5/s, burst 5: the free tier's rate, roughly). */
  rateLimit?: { perSecond: number; burst: number };
  fetch?: typeof fetch;
  /** Injected in tests so retries and the rate limit run without waiting. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

/** What one embedding call did (for logs and job results). */
export interface HuggingFaceStats {
  requests: number;
  retries: number;
  throttledMs: number;
}

/**
 * Production embedder: Hugging Face Inference feature extraction through `@huggingface/inference`. Web fetch
 * only, so it runs in workerd too. Texts go in batches of `batchSize`; each request waits for the token
 * bucket, and a 429 / 5xx / network failure is retried with backoff. Its own 503 loop is off
 * (`retry_on_error: false`): the client would otherwise retry a 503 forever. Sentence-transformer models return
 * one pooled vector per text; token-level outputs (number[][] per text) are mean-pooled here.
 */
export class HuggingFaceEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  readonly stats: HuggingFaceStats = { requests: 0, retries: 0, throttledMs: 0 };
  private readonly client: InferenceClient;
  private readonly bucket: TokenBucket;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  /** Retry-After of the last failed reply, read by our fetch wrapper (the client's errors do not carry headers). */
  private lastRetryAfterMs: number | null = null;

  constructor(private readonly options: HuggingFaceEmbedderOptions) {
    if (!options.accessToken) throw new EmbedderError("invalid_argument", "huggingface: an access token is required");
    this.id = `huggingface/${options.model}`;
    this.dimension = options.dimension;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    const rate = options.rateLimit ?? { perSecond: 5, burst: 5 };
    this.bucket = new TokenBucket({
      ratePerSecond: rate.perSecond,
      capacity: rate.burst,
      now: options.now,
      sleep: this.sleep,
    });
    const baseFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    const recordingFetch: typeof fetch = async (input, init) => {
      const res = await baseFetch(input, init);
      this.lastRetryAfterMs = res.ok ? null : retryAfterMs(res.headers.get("retry-after"));
      return res;
    };
    this.client = new InferenceClient(options.accessToken, { fetch: recordingFetch });
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const size = this.options.batchSize ?? 32;
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += size) out.push(...(await this.embedBatch(texts.slice(i, i + size))));
    return out;
  }

  private async embedBatch(texts: string[]): Promise<Float32Array[]> {
    const retries = this.options.retries ?? 4;
    const backoff = this.options.backoff ?? { baseMs: 500, maxMs: 20_000 };
    for (let attempt = 0; ; attempt++) {
      this.stats.throttledMs += await this.bucket.take();
      this.stats.requests++;
      try {
        const output = await this.client.featureExtraction(
          {
            model: this.options.model,
            inputs: texts,
            normalize: true,
            ...(this.options.endpointUrl ? { endpointUrl: this.options.endpointUrl } : { provider: "hf-inference" }),
          },
          { retry_on_error: false },
        );
        return this.toVectors(output, texts.length);
      } catch (err) {
        const failure = classify(err);
        if (!failure.retryable || attempt >= retries) throw this.finalError(failure, err, attempt);
        this.stats.retries++;
        const wait = Math.max(
          Math.round(this.random() * Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempt)),
          Math.min(this.lastRetryAfterMs ?? 0, 60_000),
        );
        await this.sleep(wait);
      }
    }
  }

  private finalError(f: Failure, err: unknown, attempt: number): EmbedderError {
    if (err instanceof EmbedderError) return err;
    const tries = attempt + 1;
    const what = f.status === null ? "network failure" : `HTTP ${f.status}`;
    const detail = err instanceof Error ? err.message : String(err);
    switch (f.kind) {
      case "auth":
        return new EmbedderError("unauthorized", `${this.id}: credentials refused (${what}): ${detail}`, {
          cause: err,
        });
      case "throttled":
        return new EmbedderError("rate_limited", `${this.id}: still rate-limited after ${tries} attempts (${what})`, {
          cause: err,
        });
      case "transient":
        return new EmbedderError(
          "unavailable",
          `${this.id}: failed after ${tries} attempts (last: ${what}): ${detail}`,
          {
            cause: err,
          },
        );
      case "malformed":
        return new EmbedderError("malformed_reply", `${this.id}: ${detail}`, { cause: err });
      default:
        return new EmbedderError("backend", `${this.id}: ${what}: ${detail}`, { cause: err });
    }
  }

  private toVectors(output: unknown, expected: number): Float32Array[] {
    if (!Array.isArray(output) || output.length !== expected)
      throw new EmbedderError(
        "malformed_reply",
        `${this.id}: expected ${expected} embeddings, got ${Array.isArray(output) ? output.length : typeof output}`,
      );
    return output.map((row: Nested, i) => {
      const v = poolToVector(row);
      if (v.length !== this.dimension)
        throw new EmbedderError(
          "malformed_reply",
          `${this.id}: text ${i} embedded to ${v.length} dims, expected ${this.dimension}`,
        );
      if (!v.every(Number.isFinite))
        throw new EmbedderError("malformed_reply", `${this.id}: text ${i} embedded to non-finite values`);
      return normalize(v);
    });
  }
}

interface Failure {
  kind: "auth" | "throttled" | "transient" | "malformed" | "client";
  status: number | null;
  retryable: boolean;
}

function classify(err: unknown): Failure {
  if (err instanceof EmbedderError) return { kind: "malformed", status: null, retryable: false };
  if (err instanceof InferenceClientProviderOutputError) return { kind: "malformed", status: null, retryable: false };
  if (err instanceof InferenceClientProviderApiError) {
    const status = err.httpResponse.status;
    if (status === 401 || status === 403) return { kind: "auth", status, retryable: false };
    if (status === 429) return { kind: "throttled", status, retryable: true };
    if (status >= 500) return { kind: "transient", status, retryable: true };
    return { kind: "client", status, retryable: false };
  }
  // fetch rejects with a TypeError when the network fails; the reply body not being JSON is a SyntaxError.
  if (err instanceof SyntaxError) return { kind: "malformed", status: null, retryable: false };
  return { kind: "transient", status: null, retryable: true };
}

/** Retry-After in ms (seconds or an HTTP date), null when absent or unreadable. */
function retryAfterMs(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

type Nested = number | Nested[];

/** A pooled vector (number[]) as is; token vectors (number[][]) mean-pooled. */
export function poolToVector(row: Nested): Float32Array {
  if (!Array.isArray(row))
    throw new EmbedderError("malformed_reply", "feature-extraction returned a scalar where a vector was expected");
  if (row.every((x) => typeof x === "number")) return Float32Array.from(row as number[]);
  const tokens = row.map((t) => poolToVector(t));
  const out = new Float32Array(tokens[0]?.length ?? 0);
  for (const t of tokens) for (let f = 0; f < out.length; f++) out[f] += t[f] / tokens.length;
  return out;
}
