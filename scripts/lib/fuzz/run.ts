import { Rng } from "./random";
import { deepJson, type Schema, ValueGen } from "./values";
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
function contractProblem(status: number, text: string, contentType: string): string | null {
  if (status < 400) return null;
  if (!contentType.includes("json")) return `error without a JSON body (${contentType || "no content-type"})`;
  try {
    const e = (JSON.parse(text) as { error?: Record<string, unknown> }).error;
    if (!e || typeof e.code !== "string" || !e.code) return "error.code missing";
    if (typeof e.message !== "string") return "error.message missing";
    if (typeof e.requestId !== "string" || !e.requestId) return "error.requestId missing";
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

export interface FuzzTarget {
  /** Sends one request to the app under test (a real server's fetch, or app.request in-process). */
  send: (path: string, init: RequestInit) => Promise<Response>;
  world: FuzzWorld;
}

/**
 * Drives every operation in the OpenAPI document with schema-aware inputs (real ids from the world's pools)
 * and hostile ones (wrong types, injection strings, deep nesting, malformed JSON, huge values), as each
 * caller. Failures: any 5xx, an error answer without the common body, or another account's data.
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
  const rng = new Rng(opts.seed);
  const gen = new ValueGen(rng, components, target.world.pools);
  const byStatus: Record<string, number> = {};
  const failures: Failure[] = [];
  let issued = 0;
  let fiveXx = 0;

  const one = async () => {
    const op = rng.pick(ops);
    const caller = rng.pick(target.world.callers);
    const hostility = rng.pick([0, 0, 0.05, 0.2, 0.6]);
    let path = op.path;
    const query = new URLSearchParams();
    const headers: Record<string, string> = { ...caller.headers };
    for (const p of op.parameters) {
      if (p.in !== "path" && !p.required && !rng.chance(0.4)) continue;
      const v = gen.value(p.schema ?? { type: "string" }, p.name, hostility);
      const s = typeof v === "string" ? v : JSON.stringify(v);
      if (p.in === "path")
        path = path.replace(`{${p.name}}`, encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "\ufffd") || "x"));
      else if (p.in === "query") query.set(p.name, s);
      else if (p.in === "header") headers[p.name] = s.replace(/[^\x20-\x7e]/g, "?").slice(0, 200);
    }
    if (op.parameters.some((p) => p.name === "idempotency-key") && !headers["idempotency-key"])
      headers["idempotency-key"] = `fuzz-${rng.int(0, 1e9)}`;
    let body: string | undefined;
    if (op.body || rng.chance(0.05)) {
      headers["content-type"] = rng.chance(0.03) ? "text/plain" : "application/json";
      body = rng.chance(hostility / 2)
        ? rng.pick(HOSTILE_BODIES)
        : JSON.stringify(gen.value(op.body ?? {}, "body", hostility));
    }
    const qs = query.toString();
    const url = qs ? `${path}?${qs}` : path;
    const label = `${op.method} ${url.slice(0, 300)}`;
    let res: Response;
    try {
      res = await target.send(url, { method: op.method, headers, body: op.method === "GET" ? undefined : body });
    } catch (err) {
      failures.push({ kind: "5xx", request: label, caller: caller.name, status: 0, detail: `transport: ${err}` });
      return;
    }
    const text = await res.text();
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
    const problem = contractProblem(res.status, text, res.headers.get("content-type") ?? "");
    if (problem)
      failures.push({ kind: "contract", request: label, caller: caller.name, status: res.status, detail: problem });
    const leak = leakIn(text, caller, target.world);
    if (leak) failures.push({ kind: "leak", request: label, caller: caller.name, status: res.status, detail: leak });
  };

  const workers = Array.from({ length: opts.concurrency ?? 1 }, async () => {
    while (issued < opts.requests) {
      issued++;
      await one();
      if (opts.onProgress && issued % 1000 === 0) opts.onProgress(issued, fiveXx, failures.length);
    }
  });
  await Promise.all(workers);
  return {
    seed: opts.seed,
    requests: issued,
    operations: ops.length,
    byStatus,
    fiveXx,
    failures,
    durationMs: Date.now() - started,
  };
}
