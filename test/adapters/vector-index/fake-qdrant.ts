/**
 * A fake Qdrant on 127.0.0.1 for offline tests of the Qdrant adapter. Every request is validated
 * against Qdrant's published OpenAPI document (path, method, query parameters, body) and every reply
 * against the documented response schema. Violations are recorded in `violations` (and answered with a
 * 400) so a test can assert there were none. Enough behaviour is implemented in memory (collections,
 * points, payload indexes, aliases, query with filters, count) for the VectorIndex contract to run.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { resolve } from "node:path";
import { existsSync } from "node:fs";
import { OpenApiValidator, type MatchedOperation } from "./openapi-validator.js";

/** Where CI and dev machines keep the shared specs: `../shared` beside the repo root (or beside a worktree folder). */
export const QDRANT_SPEC_PATH =
  ["../shared", "../../shared"]
    .map((dir) => resolve(process.cwd(), dir, "specs/qdrant-openapi-1.19.json"))
    .find((path) => existsSync(path)) ?? resolve(process.cwd(), "../shared/specs/qdrant-openapi-1.19.json");

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
type PointId = string | number;

interface StoredPoint {
  id: PointId;
  vector: number[];
  payload: Obj;
  version: number;
}
interface FakeCollection {
  size: number;
  distance: "Cosine" | "Dot" | "Euclid" | "Manhattan";
  points: Map<string, StoredPoint>;
  indexes: Map<string, string>;
  opCounter: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface FakeQdrant {
  url: string;
  /** Contract violations seen so far (requests or our own replies). */
  violations: string[];
  /** Requests the fake could not serve (valid per spec, but beyond what it implements). */
  unsupported: string[];
  /** operationIds served, in order. */
  calls: string[];
  close(): Promise<void>;
  /**
   * Outage simulation (test/resilience, bench:chaos): `stop()` closes the port and drops every connection,
   * `restart()` listens on the same port again with the collections kept, as a Qdrant with persistent
   * storage comes back after a restart.
   */
  stop(): Promise<void>;
  /** `port`: listen there from now on (default: the port it had). */
  restart(port?: number): Promise<void>;
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const asList = (v: Json | undefined): Json[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const idKey = (id: Json): string => (typeof id === "string" ? id.toLowerCase() : String(id));

export async function startFakeQdrant(options: { apiKey?: string } = {}): Promise<FakeQdrant> {
  if (!existsSync(QDRANT_SPEC_PATH)) {
    throw new Error(
      `Qdrant OpenAPI document not found at ${QDRANT_SPEC_PATH} (expected ../shared/specs beside the repo root)`,
    );
  }
  const validator = OpenApiValidator.fromFile(QDRANT_SPEC_PATH);
  const collections = new Map<string, FakeCollection>();
  let aliases = new Map<string, string>();
  const state: FakeQdrant = {
    url: "",
    violations: [],
    unsupported: [],
    calls: [],
    close: async () => {},
    stop: async () => {},
    restart: async (_port?: number) => {},
  };

  const resolveName = (name: string): string => aliases.get(name) ?? name;
  const getCollection = (name: string): FakeCollection => {
    const c = collections.get(resolveName(name));
    if (!c) throw new HttpError(404, `Not found: Collection \`${name}\` doesn't exist!`);
    return c;
  };
  const unsupported = (what: string): never => {
    state.unsupported.push(what);
    throw new HttpError(501, `fake Qdrant does not implement ${what}`);
  };

  const norm = (v: number[]): number[] => {
    const n = Math.hypot(...v);
    return n === 0 ? v : v.map((x) => x / n);
  };
  const checkDim = (c: FakeCollection, v: number[]): void => {
    if (v.length !== c.size)
      throw new HttpError(400, `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${v.length}`);
  };
  const denseVector = (v: Json | undefined, what: string): number[] => {
    if (Array.isArray(v) && v.every((x) => typeof x === "number")) return v as number[];
    return unsupported(`${what} other than a dense unnamed vector`);
  };

  const matches = (p: StoredPoint, cond: Json): boolean => {
    if (!isObj(cond)) return unsupported("non-object condition");
    if ("has_id" in cond) return asList(cond.has_id).some((id) => idKey(id) === idKey(p.id));
    if ("must" in cond || "should" in cond || "must_not" in cond) return passes(p, cond);
    if (typeof cond.key === "string" && isObj(cond.match)) {
      const value = cond.key.split(".").reduce<Json | undefined>((o, k) => (isObj(o) ? o[k] : undefined), p.payload);
      const values = Array.isArray(value) ? value : [value];
      const m = cond.match;
      if ("value" in m) return values.some((x) => x === m.value);
      if ("any" in m) return values.some((x) => asList(m.any).includes(x as Json));
      if ("except" in m) return !values.some((x) => asList(m.except).includes(x as Json));
    }
    return unsupported(`condition ${JSON.stringify(cond)}`);
  };
  const passes = (p: StoredPoint, filter: Json | undefined): boolean => {
    if (!isObj(filter)) return true;
    if (filter.min_should !== undefined && filter.min_should !== null) unsupported("min_should");
    const should = asList(filter.should);
    return (
      asList(filter.must).every((c) => matches(p, c)) &&
      !asList(filter.must_not).some((c) => matches(p, c)) &&
      (should.length === 0 || should.some((c) => matches(p, c)))
    );
  };
  const selectPayload = (p: StoredPoint, withPayload: Json | undefined): Obj | null => {
    if (withPayload === true) return p.payload;
    if (Array.isArray(withPayload))
      return Object.fromEntries(
        withPayload.filter((k): k is string => typeof k === "string" && k in p.payload).map((k) => [k, p.payload[k]]),
      );
    if (withPayload === false || withPayload === undefined || withPayload === null) return null;
    return unsupported("with_payload selector objects");
  };
  const updateResult = (c: FakeCollection): Obj => ({ operation_id: ++c.opCounter, status: "completed" });

  const handlers: Record<string, (op: MatchedOperation, body: Obj, query: URLSearchParams) => Json> = {
    get_collections: () => ({ collections: [...collections.keys()].sort().map((name) => ({ name })) }),
    collection_exists: (op) => ({ exists: collections.has(op.pathParams.collection_name) }),
    create_collection: (op, body) => {
      const name = op.pathParams.collection_name;
      if (collections.has(name) || aliases.has(name))
        throw new HttpError(409, `Wrong input: Collection \`${name}\` already exists!`);
      const vectors = body.vectors;
      if (!isObj(vectors) || typeof vectors.size !== "number" || typeof vectors.distance !== "string")
        return unsupported("named or missing vector config");
      collections.set(name, {
        size: vectors.size,
        distance: vectors.distance as FakeCollection["distance"],
        points: new Map(),
        indexes: new Map(),
        opCounter: 0,
      });
      return true;
    },
    get_collection: (op) => {
      const c = getCollection(op.pathParams.collection_name);
      const payloadSchema: Obj = {};
      for (const [field, type] of c.indexes) {
        payloadSchema[field] = {
          data_type: type,
          points: [...c.points.values()].filter((p) => field in p.payload).length,
        };
      }
      return {
        status: "green",
        optimizer_status: "ok",
        points_count: c.points.size,
        indexed_vectors_count: 0,
        segments_count: 1,
        config: {
          params: {
            vectors: { size: c.size, distance: c.distance },
            shard_number: 1,
            replication_factor: 1,
            write_consistency_factor: 1,
            on_disk_payload: true,
          },
          hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000 },
          optimizer_config: { default_segment_number: 0, flush_interval_sec: 5 },
        },
        payload_schema: payloadSchema,
      };
    },
    delete_collection: (op) => {
      const name = op.pathParams.collection_name;
      const existed = collections.delete(name);
      for (const [alias, target] of aliases) if (target === name) aliases.delete(alias);
      return existed;
    },
    create_field_index: (op, body) => {
      const c = getCollection(op.pathParams.collection_name);
      const schema = body.field_schema;
      if (typeof body.field_name !== "string" || typeof schema !== "string")
        return unsupported("field index params objects");
      c.indexes.set(body.field_name, schema);
      return updateResult(c);
    },
    get_collections_aliases: () => ({
      aliases: [...aliases].map(([alias_name, collection_name]) => ({ alias_name, collection_name })),
    }),
    update_aliases: (_op, body) => {
      const next = new Map(aliases); // applied to a copy: all actions or none
      for (const action of asList(body.actions)) {
        if (!isObj(action)) return unsupported("alias action");
        if (isObj(action.create_alias)) {
          const { collection_name, alias_name } = action.create_alias as {
            collection_name: string;
            alias_name: string;
          };
          if (!collections.has(collection_name))
            throw new HttpError(404, `Not found: Collection \`${collection_name}\` doesn't exist!`);
          if (next.has(alias_name) || collections.has(alias_name))
            throw new HttpError(409, `Wrong input: Alias \`${alias_name}\` already exists!`);
          next.set(alias_name, collection_name);
        } else if (isObj(action.delete_alias)) {
          const alias = String(action.delete_alias.alias_name);
          if (!next.delete(alias)) throw new HttpError(404, `Not found: Alias \`${alias}\` doesn't exist!`);
        } else if (isObj(action.rename_alias)) {
          const from = String(action.rename_alias.old_alias_name);
          const target = next.get(from);
          if (target === undefined) throw new HttpError(404, `Not found: Alias \`${from}\` doesn't exist!`);
          next.delete(from);
          next.set(String(action.rename_alias.new_alias_name), target);
        } else return unsupported("alias action");
      }
      aliases = next;
      return true;
    },
    upsert_points: (op, body) => {
      const c = getCollection(op.pathParams.collection_name);
      if (!Array.isArray(body.points)) return unsupported("batch-format upsert");
      const prepared = body.points.map((raw) => {
        const p = raw as Obj;
        const v = denseVector(p.vector, "point vector");
        checkDim(c, v); // checked for all points before any is written, as Qdrant does per request
        return {
          id: p.id as PointId,
          vector: c.distance === "Cosine" ? norm(v) : v,
          payload: isObj(p.payload) ? p.payload : {},
        };
      });
      const version = ++c.opCounter;
      for (const p of prepared) c.points.set(idKey(p.id), { ...p, version });
      return { operation_id: version, status: "completed" };
    },
    delete_points: (op, body) => {
      const c = getCollection(op.pathParams.collection_name);
      if (Array.isArray(body.points)) for (const id of body.points) c.points.delete(idKey(id));
      else if (isObj(body.filter)) for (const [k, p] of c.points) if (passes(p, body.filter)) c.points.delete(k);
      return updateResult(c);
    },
    count_points: (op, body) => {
      const c = getCollection(op.pathParams.collection_name);
      return { count: [...c.points.values()].filter((p) => passes(p, body.filter)).length };
    },
    query_points: (op, body) => {
      const c = getCollection(op.pathParams.collection_name);
      if (body.prefetch || body.using || body.lookup_from) unsupported("prefetch/using/lookup_from");
      const q = body.query;
      const raw = isObj(q) && "nearest" in q ? q.nearest : q;
      const vector = denseVector(raw ?? undefined, "query");
      checkDim(c, vector);
      const query = c.distance === "Cosine" ? norm(vector) : vector;
      if (c.distance !== "Cosine" && c.distance !== "Dot") unsupported(`${c.distance} distance`);
      const limit = typeof body.limit === "number" ? body.limit : 10;
      const offset = typeof body.offset === "number" ? body.offset : 0;
      const threshold = typeof body.score_threshold === "number" ? body.score_threshold : -Infinity;
      // A bounded top-k instead of scoring closures and a full sort: the chaos and serving benches run this
      // fake with 30k points, and a 60 ms answer made every vector recall miss its 15 ms budget.
      const k = offset + limit;
      const top: { p: StoredPoint; score: number }[] = [];
      for (const p of c.points.values()) {
        if (!passes(p, body.filter)) continue;
        let score = 0;
        for (let i = 0; i < query.length; i++) score += p.vector[i] * query[i];
        if (score < threshold || (top.length === k && (k === 0 || score <= top[k - 1].score))) continue;
        let at = top.length; // after every equal score: ties keep insertion order, as a stable sort would
        while (at > 0 && top[at - 1].score < score) at--;
        top.splice(at, 0, { p, score });
        if (top.length > k) top.pop();
      }
      const scored = top.slice(offset);
      return {
        points: scored.map(({ p, score }) => {
          const out: Obj = { id: p.id, version: p.version, score };
          const payload = selectPayload(p, body.with_payload);
          if (payload) out.payload = payload;
          if (body.with_vector === true) out.vector = p.vector;
          return out;
        }),
      };
    },
  };

  const readJson = async (req: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (chunks.length === 0) return undefined;
    const text = Buffer.concat(chunks).toString("utf8");
    if (text.trim() === "") return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new HttpError(400, "request body is not valid JSON");
    }
  };

  const server: Server = createServer((req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://fake");
    const op = validator.match(req.method ?? "GET", url.pathname);
    const reply = (status: number, body: Json): void => {
      if (op) {
        const problems = validator.validateResponse(op, status, body);
        if (problems.length) {
          state.violations.push(...problems.map((p) => `REPLY ${p}`));
          status = 500;
          body = { status: { error: `fake produced an invalid reply: ${problems[0]}` }, time: 0, result: null };
        }
      }
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    const fail = (status: number, message: string): void =>
      reply(status, { status: { error: message }, time: (performance.now() - started) / 1000, result: null });

    void (async () => {
      if (options.apiKey !== undefined && req.headers["api-key"] !== options.apiKey) {
        // Auth failures are answered before routing, like Qdrant's middleware.
        res
          .writeHead(401, { "content-type": "application/json" })
          .end(JSON.stringify({ status: { error: "Invalid api-key" }, time: 0, result: null }));
        return;
      }
      if (!op) {
        state.violations.push(`${req.method} ${url.pathname}: no such path/method in the OpenAPI document`);
        res
          .writeHead(404, { "content-type": "application/json" })
          .end(JSON.stringify({ status: { error: "Not found" }, time: 0, result: null }));
        return;
      }
      const body = await readJson(req);
      const problems = validator.validateRequest(op, url.searchParams, body);
      if (problems.length) {
        state.violations.push(...problems);
        fail(400, `Format error in request: ${problems.join("; ")}`);
        return;
      }
      state.calls.push(op.operationId);
      const handler = handlers[op.operationId];
      if (!handler) unsupported(op.operationId);
      const result = handler(op, isObj(body) ? body : {}, url.searchParams);
      reply(200, { status: "ok", time: (performance.now() - started) / 1000, result });
    })().catch((err: unknown) => {
      if (err instanceof HttpError) fail(err.status, err.message);
      else fail(500, `fake Qdrant crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    });
  });

  await new Promise<void>((ok, ko) => {
    server.once("error", ko);
    server.listen(0, "127.0.0.1", () => ok());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("fake Qdrant has no TCP address");
  state.url = `http://127.0.0.1:${address.port}`;
  let listening = true;
  state.close = () =>
    new Promise<void>((ok, ko) => {
      if (!listening) return ok();
      listening = false;
      server.closeAllConnections();
      server.close((err) => (err ? ko(err) : ok()));
    });
  state.stop = state.close;
  let port = address.port;
  state.restart = (newPort?: number) =>
    new Promise<void>((ok, ko) => {
      if (listening) return ok();
      if (newPort !== undefined) {
        port = newPort;
        state.url = `http://127.0.0.1:${port}`;
      }
      server.once("error", ko);
      server.listen(port, "127.0.0.1", () => {
        listening = true;
        server.off("error", ko);
        ok();
      });
    });
  return state;
}
