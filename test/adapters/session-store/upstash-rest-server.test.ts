/** The local Upstash REST front, spoken to directly over HTTP (the wire protocol, not the client). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "@upstash/redis/cloudflare";
import { startUpstashRestServer, type UpstashRestServer } from "../../../scripts/dev/upstash-rest-server.js";
import { startRedis, type RedisServerHandle } from "../../helpers/redis.js";

const TOKEN = "wire-token";
let redis: RedisServerHandle;
let rest: UpstashRestServer;

beforeAll(async () => {
  redis = await startRedis();
  rest = await startUpstashRestServer({ redisUrl: redis.url, token: TOKEN });
});
afterAll(async () => {
  await rest?.close();
  await redis?.stop();
});

async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${rest.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");

describe("Upstash REST front", () => {
  it("runs one command and converts numeric arguments to strings", async () => {
    expect(await post("/", ["SET", "w:n", 42, "EX", 60])).toEqual({ status: 200, json: { result: "OK" } });
    expect(await post("/", ["GET", "w:n"])).toEqual({ status: 200, json: { result: "42" } });
    expect(await post("/", ["INCR", "w:n"])).toEqual({ status: 200, json: { result: 43 } });
    expect(await post("/", ["GET", "w:missing"])).toEqual({ status: 200, json: { result: null } });
  });

  it("base64-encodes every string (OK included) when asked, leaving integers and null raw", async () => {
    const enc = { "upstash-encoding": "base64" };
    expect(await post("/", ["SET", "w:s", "héllo"], enc)).toEqual({ status: 200, json: { result: b64("OK") } });
    await post("/", ["RPUSH", "w:l", "a", "ü"]);
    expect(await post("/", ["LRANGE", "w:l", 0, -1], enc)).toEqual({
      status: 200,
      json: { result: [b64("a"), b64("ü")] },
    });
    expect(await post("/", ["LLEN", "w:l"], enc)).toEqual({ status: 200, json: { result: 2 } });
    expect(await post("/", ["GET", "w:none"], enc)).toEqual({ status: 200, json: { result: null } });
  });

  it("replies 400 {error} for a Redis error on a single command", async () => {
    const { status, json } = await post("/", ["NOSUCHCOMMAND"]);
    expect(status).toBe(400);
    expect(json).toEqual({ error: expect.stringMatching(/unknown command/i) });
  });

  it("pipelines: 200 with a result or an error per command", async () => {
    const { status, json } = await post("/pipeline", [
      ["SET", "w:p", "1"],
      ["INCR", "w:p"],
      ["LPUSH", "w:p", "x"],
    ]);
    expect(status).toBe(200);
    expect(json).toEqual([{ result: "OK" }, { result: 2 }, { error: expect.stringMatching(/^WRONGTYPE/) }]);
  });

  it("runs multi-exec as one transaction and aborts it on a queueing error", async () => {
    expect(
      await post("/multi-exec", [
        ["SET", "w:m", "5"],
        ["INCRBY", "w:m", 2],
      ]),
    ).toEqual({
      status: 200,
      json: [{ result: "OK" }, { result: 7 }],
    });
    const aborted = await post("/multi-exec", [["SET", "w:m", "100"], ["NOSUCHCOMMAND"]]);
    expect(aborted.status).toBe(400);
    expect(await post("/", ["GET", "w:m"])).toEqual({ status: 200, json: { result: "7" } });
  });

  it("rejects a wrong or missing token with 401 before touching Redis", async () => {
    const res = await fetch(rest.url, {
      method: "POST",
      headers: { authorization: "Bearer nope" },
      body: '["SET","w:t","x"]',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: expect.stringMatching(/unauthorized/i) });
    const none = await fetch(rest.url, { method: "POST", body: '["PING"]' });
    expect(none.status).toBe(401);
    expect(await post("/", ["EXISTS", "w:t"])).toEqual({ status: 200, json: { result: 0 } });
  });

  it("rejects malformed bodies, unknown paths and connection-state commands", async () => {
    expect((await post("/", "{not json")).status).toBe(400);
    expect((await post("/", [])).status).toBe(400);
    expect((await post("/", ["SET", "k", { nested: true }])).status).toBe(400);
    expect((await post("/pipeline", ["GET", "k"])).status).toBe(400);
    expect((await post("/", ["MULTI"])).json).toEqual({ error: expect.stringMatching(/not supported/) });
    expect((await post("/", ["BLPOP", "k", 0])).status).toBe(400);
    expect((await post("/nope", ["PING"])).status).toBe(404);
  });

  it("serves concurrent transactions and pipelines on one connection without mixing them", async () => {
    const client = new Redis({ url: rest.url, token: TOKEN, enableTelemetry: false, automaticDeserialization: false });
    const results = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const tx = client.multi();
        tx.set(`w:c${i}`, String(i));
        tx.incr(`w:c${i}`);
        return tx.exec<[string, number]>();
      }),
    );
    results.forEach((r, i) => {
      expect(r).toEqual(["OK", i + 1]);
    });
  });
});
