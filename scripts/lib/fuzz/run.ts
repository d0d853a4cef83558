import fc from "fast-check";
import { deepJson, hostile, type Schema, SchemaArbitraries } from "./values";
import type { FuzzCaller, FuzzWorld } from "./world";

interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: Schema;
}

export interface Failure {
  kind: "5xx" | "contract" | "leak";
  request: string;
  caller: string;
  status: number;
  detail: string;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  operations: number;
  byStatus: Record<string, number>;
  fiveXx: number;
  failures: Failure[];
  durationMs: number;
  /** The operations with the most time spent (sum of latencies), to see where a run's time goes. */
  slowest: { operation: string; requests: number; meanMs: number; maxMs: number }[];
}

/** Every operation of an OpenAPI 3.1 document, with $ref'd request bodies left for the generator to resolve. */
export function operationsOf(doc: {
  paths: Record<
    string,
    Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>
  >;
}): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods))
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.["application/json"]?.schema,
      });
  return ops;
}

/** The common error body every 4xx/5xx must carry (docs: error.code, error.message, error.requestId). */
export function contractProblem(status: number, text: string, contentType: string, requestIdHeader: string | null) {
  if (status < 400) return null;
  if (!contentType.includes("json")) return `error without a JSON body (${contentType || "no content-type"})`;
  try {
    const e = (JSON.parse(text) as { error?: Record<string, unknown> }).error;
    if (!e || typeof e.code !== "string" || !/^[a-z][a-z0-9_]*$/.test(e.code))
      return "error.code missing or not snake_case";
    if (typeof e.message !== "string") return "error.message missing";
    if (typeof e.requestId !== "string" || !e.requestId) return "error.requestId missing";
    if (requestIdHeader !== null && requestIdHeader !== e.requestId) return "error.requestId differs from x-request-id";
    return null;
  } catch {
    return "error body is not JSON";
  }
}

/** Another account's secret in any answer, or its email in an answer to a non-admin, is a leak. */
function leakIn(text: string, caller: FuzzCaller, world: FuzzWorld): string | null {
  for (const o of world.owned) {
    if (o.owner === caller.userId) continue;
    if (o.kind === "email" && caller.admin) continue;
    if (text.includes(o.value)) return `${o.kind} of account ${o.owner}`;
  }
  return null;
}

/** Bodies no schema would produce: malformed JSON, deep nesting, wrong top-level types, prototype keys. */
const HOSTILE_BODIES = [
  "{not json",
  "",
  "null",
  "[]",
  '"x"',
  "1e999",
  `{"events":[{"id":"d1","type":"view","item_id":"x","context":${deepJson(5000)}}]}`,
  deepJson(10_000),
  `[${"[".repeat(20_000)}${"]".repeat(20_000)}]`,
  JSON.stringify({ __proto__: { role: "admin" }, role: "admin" }),
  "\u0000\u0001",
];

/** One generated request, ready to send. */
interface FuzzRequest {
  operation: string;
  caller: number;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, "?").slice(0, 200);
const asText = (v: unknown) => (typeof v === "string" ? v : (JSON.stringify(v) ?? ""));

/**
 * One operation's requests as a fast-check arbitrary: its parameters and body from their schemas (with hostile
 * substitutions), sent by any caller of the world, now and then with a hostile raw body or content type.
 */
function requestArbitrary(op: Operation, gen: SchemaArbitraries, callers: number): fc.Arbitrary<FuzzRequest> {
  const params = op.parameters.map((p) => {
    const value = gen.of(p.schema ?? { type: "string" }, p.name);
    // Path parameters are always there; optional ones are sent about half the time.
    return p.in === "path" || p.required
      ? value.map((v) => ({ p, v, sent: true }))
      : fc.record({ p: fc.constant(p), v: value, sent: fc.boolean() });
  });
  const body: fc.Arbitrary<string | undefined> = op.body
    ? fc.oneof(
        { weight: 12, arbitrary: gen.of(op.body, "body").map((v) => JSON.stringify(v) ?? "null") },
        { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_BODIES) },
      )
    : fc.oneof({ weight: 20, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: hostile.map(asText) });
  return fc
    .record({
      caller: fc.nat({ max: callers - 1 }),
      params: fc.tuple(...params),
      body,
      contentType: fc.oneof(
        { weight: 30, arbitrary: fc.constant("application/json") },
        fc.constantFrom("text/plain", "application/x-www-form-urlencoded", ""),
      ),
      idempotencyKey: fc.stringMatching(/^fuzz-[a-z0-9]{8,20}$/),
    })
    .map(({ caller, params: ps, body: b, contentType, idempotencyKey }) => {
      let path = op.path;
      const query = new URLSearchParams();
      const headers: Record<string, string> = {};
      for (const { p, v, sent } of ps) {
        if (!sent) continue;
        const s = asText(v);
        if (p.in === "path")
          path = path.replace(`{${p.name}}`, encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "\ufffd") || "x"));
        else if (p.in === "query") query.set(p.name, s);
        else if (p.in === "header") headers[p.name] = printable(s);
      }
      if (op.parameters.some((p) => p.name === "idempotency-key") && !headers["idempotency-key"])
        headers["idempotency-key"] = idempotencyKey;
      const send = op.method !== "GET" && op.method !== "HEAD" && b !== undefined;
      if (send && contentType) headers["content-type"] = contentType;
      const qs = query.toString();
      return {
        operation: `${op.method} ${op.path}`,
        caller,
        method: op.method,
        url: qs ? `${path}?${qs}` : path,
        headers,
        body: send ? b : undefined,
      };
    });
}

export interface FuzzTarget {
  /** Sends one request to the app under test (a real server's fetch, or app.request in-process). */
  send: (path: string, init: RequestInit) => Promise<Response>;
  world: FuzzWorld;
}

/**
 * Drives every operation in the OpenAPI document with fast-check arbitraries derived from its schemas
 * (real ids from the world's pools, hostile values at every level, malformed bodies) as each caller
 * (anonymous, buyer, seller, admin, one API key per scope). Failures: any 5xx, an error answer without the
 * common body (or whose requestId is not the x-request-id), or another account's secret or email.
 * Deterministic for a seed: requests are drawn in chunks of 500 with `fc.sample` seeded `seed + chunk`.
 */
export async function runFuzz(
  target: FuzzTarget,
  opts: {
    requests: number;
    seed: number;
    concurrency?: number;
    onProgress?: (done: number, fiveXx: number, failures: number) => void;
  },
): Promise<FuzzReport> {
  const started = Date.now();
  const doc = (await (await target.send("/openapi.json", {})).json()) as Parameters<typeof operationsOf>[0] & {
    components?: { schemas?: Record<string, Schema> };
  };
  const ops = operationsOf(doc);
  const components = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  const gen = new SchemaArbitraries(components, target.world.pools);
  const callers = target.world.callers;
  const anyRequest = fc.oneof(...ops.map((op) => requestArbitrary(op, gen, callers.length)));
  const byStatus: Record<string, number> = {};
  const failures: Failure[] = [];
  let issued = 0;
  let fiveXx = 0;
  const timing = new Map<string, { n: number; sum: number; max: number }>();

  const one = async (r: FuzzRequest) => {
    const caller = callers[r.caller];
    const label = `${r.method} ${r.url.slice(0, 300)}`;
    let res: Response;
    let text: string;
    const t0 = performance.now();
    try {
      res = await target.send(r.url, { method: r.method, headers: { ...r.headers, ...caller.headers }, body: r.body });
      text = await res.text();
    } catch (err) {
      failures.push({ kind: "5xx", request: label, caller: caller.name, status: 0, detail: `transport: ${err}` });
      return;
    }
    const ms = performance.now() - t0;
    const tm = timing.get(r.operation) ?? { n: 0, sum: 0, max: 0 };
    timing.set(r.operation, { n: tm.n + 1, sum: tm.sum + ms, max: Math.max(tm.max, ms) });
    byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
    if (res.status >= 500) {
      fiveXx++;
      failures.push({
        kind: "5xx",
        request: label,
        caller: caller.name,
        status: res.status,
        detail: text.slice(0, 300),
      });
    }
    const problem = contractProblem(
      res.status,
      text,
      res.headers.get("content-type") ?? "",
      res.headers.get("x-request-id"),
    );
    if (problem)
      failures.push({ kind: "contract", request: label, caller: caller.name, status: res.status, detail: problem });
    const leak = leakIn(text, caller, target.world);
    if (leak) failures.push({ kind: "leak", request: label, caller: caller.name, status: res.status, detail: leak });
  };

  const CHUNK = 500;
  for (let chunk = 0; issued < opts.requests; chunk++) {
    const batch = fc.sample(anyRequest, { seed: opts.seed + chunk, numRuns: Math.min(CHUNK, opts.requests - issued) });
    let next = 0;
    const workers = Array.from({ length: opts.concurrency ?? 1 }, async () => {
      while (next < batch.length) {
        const r = batch[next++];
        await one(r);
        issued++;
        if (opts.onProgress && issued % 1000 === 0) opts.onProgress(issued, fiveXx, failures.length);
      }
    });
    await Promise.all(workers);
  }
  return {
    seed: opts.seed,
    requests: issued,
    operations: ops.length,
    byStatus,
    fiveXx,
    failures,
    durationMs: Date.now() - started,
    slowest: [...timing.entries()]
      .sort((a, b) => b[1].sum - a[1].sum)
      .slice(0, 5)
      .map(([operation, t]) => ({
        operation,
        requests: t.n,
        meanMs: Math.round(t.sum / t.n),
        maxMs: Math.round(t.max),
      })),
  };
}
