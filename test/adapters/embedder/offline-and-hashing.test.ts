import { describe, expect, it } from "vitest";
import { embedInBatches } from "../../../ml/embed/embedder.js";
import { HashingEmbedder } from "../../../src/adapters/embedder/hashing.js";
import { poolToVector } from "../../../src/adapters/embedder/huggingface.js";
import { UniversalSentenceEncoderEmbedder } from "../../../src/adapters/embedder/universal-sentence-encoder.node.js";

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i], 0);

describe("hashing embedder", () => {
  it("is deterministic, unit length, and closer for texts sharing words", async () => {
    const e = new HashingEmbedder(64);
    const [a, b, c] = await e.embed(["wireless gaming mouse", "wired gaming mouse", "garden hose"]);
    expect(Array.from((await e.embed(["wireless gaming mouse"]))[0])).toEqual(Array.from(a));
    expect(dot(a, a)).toBeCloseTo(1, 5);
    expect(dot(a, b)).toBeGreaterThan(dot(a, c));
  });

  it("embeds in batches in order", async () => {
    const e = new HashingEmbedder(16);
    const texts = ["a", "b", "c", "d", "e"];
    const batched = await embedInBatches(e, texts, 2);
    expect(batched.map((v) => Array.from(v))).toEqual((await e.embed(texts)).map((v) => Array.from(v)));
  });
});

describe("Hugging Face feature-extraction output pooling", () => {
  it("keeps pooled vectors and mean-pools token vectors", () => {
    expect(Array.from(poolToVector([1, 2, 3]))).toEqual([1, 2, 3]);
    expect(
      Array.from(
        poolToVector([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toEqual([2, 3]);
  });
});

describe("Universal Sentence Encoder (offline weights)", () => {
  it("embeds to 512-d unit vectors with related texts closer", async () => {
    const e = new UniversalSentenceEncoderEmbedder();
    const [a, b, c] = await e.embed([
      "video game console",
      "gaming console for playing games",
      "organic almond oil for skin",
    ]);
    expect(a.length).toBe(512);
    expect(dot(a, a)).toBeCloseTo(1, 4);
    expect(dot(a, b)).toBeGreaterThan(dot(a, c));
  }, 60_000);
});
