/**
 * A local stand-in for Upstash's REST API in front of a real redis-server, so the Upstash adapter
 * (and anything built on @upstash/redis) runs against real Redis semantics offline.
 *
 * Protocol (what @upstash/redis speaks): POST with `Authorization: Bearer <token>`; a JSON array (one
 * command) to `/`, an array of arrays to `/pipeline` or `/multi-exec`. Replies `{result}` or a non-2xx
 * `{error}`; pipeline and multi-exec reply 200 with an array of those. With `Upstash-Encoding: base64`
 * every string in a result is base64-encoded (integers and null stay raw).
 *
 * CLI: tsx scripts/dev/upstash-rest-server.ts --redis-url redis://127.0.0.1:6379 --token dev --port 8079
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import { timingSafeEqual } from "node:crypto";
import { pathToFileURL } from "node:url";

// ---------- minimal RESP2 client ----------

export class RespError {
  constructor(readonly message: string) {}
}
export type RespValue = string | Buffer | number | null | RespError | RespValue[];

/** The redis-server could not be reached or dropped the connection mid-request. */
export class RedisUnavailableError extends Error {
  override readonly name = "RedisUnavailableError";
}

/** Parses one reply starting at `pos`; returns undefined when the buffer holds only part of it. */
function parseReply(buf: Buffer, pos: number): { value: RespValue; next: number } | undefined {
  const eol = buf.indexOf("\r\n", pos);
  if (eol < 0) return undefined;
  const kind = String.fromCharCode(buf[pos]);
  const line = buf.toString("utf8", pos + 1, eol);
  switch (kind) {
    case "+":
      return { value: line, next: eol + 2 };
    case "-":
      return { value: new RespError(line), next: eol + 2 };
    case ":":
      return { value: Number(line), next: eol + 2 };
    case "$": {
      const len = Number(line);
      if (len < 0) return { value: null, next: eol + 2 };
      if (buf.length < eol + 2 + len + 2) return undefined;
      return { value: buf.subarray(eol + 2, eol + 2 + len), next: eol + 2 + len + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { value: null, next: eol + 2 };
      const items: RespValue[] = [];
      let next = eol + 2;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(kind)}`);
  }
}

function encodeCommand(args: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.from(a, "utf8");
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

/**
 * One lazily (re)connected socket. A batch is written with a single `write`, so batches from
 * concurrent HTTP requests never interleave: MULTI ... EXEC stays contiguous on the shared connection.
 */
export class RespConnection {
  private socket: Socket | undefined;
  private ready: Promise<Socket> | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: { resolve: (v: RespValue) => void; reject: (e: Error) => void }[] = [];

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly password?: string,
  ) {}

  async send(commands: readonly (readonly string[])[]): Promise<RespValue[]> {
    const all = this.password ? [["AUTH", this.password], ...commands] : commands;
    const socket = await this.connect();
    const replies = all.map(() => new Promise<RespValue>((resolve, reject) => this.pending.push({ resolve, reject })));
    socket.write(Buffer.concat(all.map(encodeCommand)));
    const values = await Promise.all(replies);
    return this.password ? values.slice(1) : values;
  }

  close(): void {
    this.socket?.destroy();
    this.fail(new RedisUnavailableError("connection closed"));
  }

  private connect(): Promise<Socket> {
    if (this.ready) return this.ready;
    this.ready = new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      socket.setNoDelay(true);
      socket.once("connect", () => {
        this.socket = socket;
        resolve(socket);
      });
      socket.on("data", (chunk) => this.onData(chunk));
      socket.on("error", (err) => {
        const e = new RedisUnavailableError(`redis ${this.host}:${this.port}: ${err.message}`);
        reject(e);
        this.fail(e);
      });
      socket.on("close", () =>
        this.fail(new RedisUnavailableError(`redis ${this.host}:${this.port}: connection closed`)),
      );
    });
    return this.ready;
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let pos = 0;
    for (;;) {
      const reply = pos < this.buffer.length ? parseReply(this.buffer, pos) : undefined;
      if (!reply) break;
      pos = reply.next;
      this.pending.shift()?.resolve(reply.value);
    }
    this.buffer = this.buffer.subarray(pos);
  }

  /** Drop the socket so the next request reconnects; fail everything in flight. */
  private fail(error: Error): void {
    this.socket = undefined;
    this.ready = undefined;
    this.buffer = Buffer.alloc(0);
    for (const p of this.pending.splice(0)) p.reject(error);
  }
}

// ---------- REST front ----------

export interface UpstashRestServerOptions {
  /** redis://[:password@]host:port */
  redisUrl: string;
  token: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
}

export interface UpstashRestServer {
  url: string;
  close(): Promise<void>;
}

type JsonReply = { result: unknown } | { error: string };

// Commands that would block or change the state of the shared connection.
const FORBIDDEN = new Set([
  "MULTI",
  "EXEC",
  "DISCARD",
  "WATCH",
  "UNWATCH",
  "SELECT",
  "AUTH",
  "HELLO",
  "QUIT",
  "RESET",
  "MONITOR",
  "SUBSCRIBE",
  "PSUBSCRIBE",
  "SSUBSCRIBE",
  "BLPOP",
  "BRPOP",
  "BLMOVE",
  "BRPOPLPUSH",
  "BZPOPMIN",
  "BZPOPMAX",
  "BLMPOP",
  "BZMPOP",
  "XREAD",
  "XREADGROUP",
  "WAIT",
  "CLIENT",
  "SHUTDOWN",
]);

class BadRequest extends Error {}

function toCommand(raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new BadRequest("ERR command must be a non-empty JSON array");
  const args = raw.map((a: unknown) => {
    if (typeof a === "string") return a;
    if (typeof a === "number" || typeof a === "boolean") return String(a);
    throw new BadRequest("ERR command arguments must be strings or numbers");
  });
  if (FORBIDDEN.has(args[0].toUpperCase())) throw new BadRequest(`ERR command ${args[0]} is not supported over REST`);
  return args;
}

function toJson(value: RespValue, base64: boolean): unknown {
  if (value === null || typeof value === "number") return value;
  if (Array.isArray(value)) return value.map((v) => toJson(v, base64));
  if (value instanceof RespError) return value.message;
  const buf = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  return base64 ? buf.toString("base64") : buf.toString("utf8");
}

function toReply(value: RespValue, base64: boolean): JsonReply {
  return value instanceof RespError ? { error: value.message } : { result: toJson(value, base64) };
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header ?? "");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024 * 1024) throw new BadRequest("ERR request body too large");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new BadRequest("ERR request body is not valid JSON");
  }
}

async function handle(req: IncomingMessage, redis: RespConnection, token: string): Promise<[number, unknown]> {
  if (!tokenMatches(req.headers.authorization, token))
    return [401, { error: "Unauthorized: invalid or missing token" }];
  if (req.method !== "POST") return [405, { error: "ERR only POST is supported" }];
  const path = new URL(req.url ?? "/", "http://x").pathname.replace(/\/+$/, "") || "/";
  const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
  const body = await readBody(req);

  if (path === "/") {
    const [reply] = await redis.send([toCommand(body)]);
    const out = toReply(reply, base64);
    return ["error" in out ? 400 : 200, out];
  }
  if (path !== "/pipeline" && path !== "/multi-exec") return [404, { error: `ERR unknown path ${path}` }];
  if (!Array.isArray(body) || body.length === 0) throw new BadRequest("ERR body must be a non-empty array of commands");
  const commands = body.map(toCommand);

  if (path === "/pipeline") {
    const replies = await redis.send(commands);
    return [200, replies.map((r) => toReply(r, base64))];
  }
  const replies = await redis.send([["MULTI"], ...commands, ["EXEC"]]);
  const queued = replies.slice(1, -1).find((r): r is RespError => r instanceof RespError);
  if (queued) return [400, { error: queued.message }];
  const exec = replies[replies.length - 1];
  if (exec instanceof RespError) return [400, { error: exec.message }];
  if (!Array.isArray(exec)) return [500, { error: "ERR transaction aborted" }];
  return [200, exec.map((r) => toReply(r, base64))];
}

/** Starts the REST front on 127.0.0.1 (by default) and resolves once it listens. */
export async function startUpstashRestServer(options: UpstashRestServerOptions): Promise<UpstashRestServer> {
  const target = new URL(options.redisUrl);
  if (target.protocol !== "redis:") throw new Error(`redisUrl must start with redis://, got ${options.redisUrl}`);
  if (!options.token) throw new Error("token must not be empty");
  const redis = new RespConnection(
    target.hostname || "127.0.0.1",
    Number(target.port || 6379),
    target.password ? decodeURIComponent(target.password) : undefined,
  );
  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    handle(req, redis, options.token).then(
      ([status, body]) => send(res, status, body),
      (err: unknown) => {
        if (err instanceof BadRequest) send(res, 400, { error: err.message });
        else if (err instanceof RedisUnavailableError) send(res, 503, { error: `redis unavailable: ${err.message}` });
        else send(res, 500, { error: `ERR internal: ${err instanceof Error ? err.message : String(err)}` });
      },
    );
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("server has no TCP address");
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        redis.close();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const redisUrl = argValue("redis-url") ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const token = argValue("token") ?? process.env.UPSTASH_REDIS_REST_TOKEN;
  if (!token) {
    console.error("usage: upstash-rest-server --token <token> [--redis-url redis://127.0.0.1:6379] [--port 8079]");
    process.exit(2);
  }
  const server = await startUpstashRestServer({ redisUrl, token, port: Number(argValue("port") ?? 8079) });
  console.log(`Upstash REST server on ${server.url} -> ${redisUrl}`);
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
