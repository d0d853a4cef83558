/**
 * The HF embedder against a local fake that checks both sides against the published Hugging Face
 * Inference contract (fake-hf-server.ts): the Embedder contract, then batching, retries, rate limiting and
 * error mapping. Sleeps and the clock are injected, so nothing here waits for real.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HashingEmbedder } from "../../../src/adapters/embedder/hashing.js";
import { HuggingFaceEmbedder, type HuggingFaceEmbedderOptions } from "../../../src/adapters/embedder/huggingface.js";
import { EmbedderError } from "../../../src/ports/embedder.js";
import { embedderContract } from "../../ports/embedder.contract.js";
import { startFakeHf, type FakeHf } from "./fake-hf-server.js";

const TOKEN = "hf_fake_contract_token_0123456789";
const MODEL = "sentence-transformers/all-MiniLM-L6-v2";
let fake: FakeHf;

beforeAll(async () => {
  fake = await startFakeHf({ token: TOKEN, dimension: 32 });
});
afterAll(async () => fake.close());
afterEach(() => {
  expect(fake.violations).toEqual([]);
  fake.requests.length = 0;
});

/** A fake clock: sleeping advances it and records the wait. */
function fakeTime(): { sleeps: number[]; now: () => number; sleep: (ms: number) => Promise<void> } {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

function embedder(over: Partial<HuggingFaceEmbedderOptions> = {}) {
  const time = fakeTime();
  const e = new HuggingFaceEmbedder({
    accessToken: TOKEN,
    model: MODEL,
    dimension: fake.dimension,
    endpointUrl: fake.endpoint(MODEL),
    random: () => 1, // the full backoff, so waits are predictable
    sleep: time.sleep,
    now: time.now,
    ...over,
  });
  return { e, time };
}

embedderContract("huggingface (fake hosted pipeline)", () => embedder().e);
embedderContract("huggingface (fake TEI /embed)", () => embedder({ endpointUrl: fake.teiEndpoint }).e);

describe("HF embedder against the fake", () => {
  it("sends the documented request with the bearer token and returns the server's vectors, in batches", async () => {
    const { e } = embedder({ batchSize: 32 });
    const texts = Array.from({ length: 70 }, (_, i) => `used laptop ${i} with ssd`);
    const got = await e.embed(texts);
    const expected = await new HashingEmbedder(fake.dimension).embed(texts);
    expect(got.map((v) => Array.from(v).map((x) => Math.round(x * 1e5)))).toEqual(
      expected.map((v) => Array.from(v).map((x) => Math.round(x * 1e5))),
    );
    expect(fake.requests.map((r) => (r.body as { inputs: string[] }).inputs.length)).toEqual([32, 32, 6]);
    for (const r of fake.requests) {
      expect(r.path).toBe(`/hf-inference/models/${MODEL}/pipeline/feature-extraction`);
      expect(r.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.contentType).toMatch(/^application\/json/);
      expect(r.body).toMatchObject({ normalize: true });
    }
    expect(e.stats).toMatchObject({ requests: 3, retries: 0 });
  });

  it("retries a 429 after the server's Retry-After, then succeeds", async () => {
    const { e, time } = embedder();
    fake.enqueue({ status: 429, retryAfter: "3" });
    const [v] = await e.embed(["refurbished tablet"]);
    expect(v.length).toBe(fake.dimension);
    expect(fake.requests).toHaveLength(2);
    expect(e.stats.retries).toBe(1);
    expect(time.sleeps).toContain(3000);
  });

  it("retries 5xx with exponential backoff and fails clearly once retries are exhausted", async () => {
    const { e, time } = embedder({ retries: 3, backoff: { baseMs: 100, maxMs: 1000 } });
    fake.enqueue({ status: 503 }, { status: 500 }, { status: 502 }, { status: 503 });
    const err = await e.embed(["a camera"]).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(EmbedderError);
    expect(err).toMatchObject({ code: "unavailable" });
    expect((err as Error).message).toMatch(/failed after 4 attempts \(last: HTTP 503\)/);
    expect(fake.requests).toHaveLength(4);
    expect(time.sleeps).toEqual([100, 200, 400]);
  });

  it("reports a throttle that never lifts as rate_limited", async () => {
    const { e } = embedder({ retries: 1 });
    fake.enqueue({ status: 429 }, { status: 429 });
    await expect(e.embed(["a phone"])).rejects.toMatchObject({ name: "EmbedderError", code: "rate_limited" });
  });

  it.each([
    ["an object instead of vectors", { error: "oops" }, 2],
    ["one vector too few", [[0.1, 0.2]], 2],
    ["vectors of the wrong size", [[0.1, 0.2, 0.3]], 1],
    ["strings in a vector", [["0.1"]], 1],
  ] as [string, unknown, number][])("rejects a malformed reply (%s) without retrying", async (_what, body, n) => {
    const { e } = embedder();
    fake.enqueue({ malformed: body as never });
    const texts = Array.from({ length: n }, (_, i) => `item ${i}`);
    await expect(e.embed(texts)).rejects.toMatchObject({ name: "EmbedderError", code: "malformed_reply" });
    expect(fake.requests).toHaveLength(1);
  });

  it("maps refused credentials to unauthorized, does not retry, and keeps the token out of the message", async () => {
    const { e } = embedder({ accessToken: "hf_wrong_token_xyz" });
    const err = await e.embed(["a drone"]).catch((x: unknown) => x);
    expect(err).toMatchObject({ name: "EmbedderError", code: "unauthorized" });
    expect((err as Error).message).not.toContain("hf_wrong_token_xyz");
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].authorization).toBe("Bearer hf_wrong_token_xyz");
  });

  it("does not send a request for an empty input", async () => {
    const { e } = embedder();
    expect(await e.embed([])).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it("paces requests with the token bucket (burst, then the refill rate)", async () => {
    const { e, time } = embedder({ batchSize: 1, rateLimit: { perSecond: 2, burst: 2 } });
    await e.embed(["a", "b", "c", "d", "e"]);
    expect(fake.requests).toHaveLength(5);
    // Two go at once, the next three wait 500 ms each for a token.
    expect(time.sleeps).toEqual([500, 500, 500]);
    expect(e.stats.throttledMs).toBe(1500);
  });

  it("counts a request the fake finds invalid as a violation (the check can fail)", async () => {
    const res = await fetch(fake.endpoint(MODEL), {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ inputs: ["x"], normalise: true }),
    });
    expect(res.status).toBe(422);
    expect(fake.violations.join("\n")).toMatch(/additional/);
    fake.violations.length = 0;
  });
});
