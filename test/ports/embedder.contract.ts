/**
 * Contract every Embedder adapter must pass (src/ports/embedder.ts). `embedderContract(name, factory)`:
 * the factory builds a ready adapter (against a fake server, a real endpoint or in-process).
 */
import { describe, expect, it } from "vitest";
import type { Embedder } from "../../src/ports/embedder.js";

export interface EmbedderContractOptions {
  /** Whether texts about the same thing must embed closer than unrelated ones (false for a fake that answers noise). */
  semantic?: boolean;
  timeoutMs?: number;
}

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i], 0);

export function embedderContract(
  name: string,
  factory: () => Promise<Embedder> | Embedder,
  options: EmbedderContractOptions = {},
): void {
  const timeout = options.timeoutMs ?? 60_000;
  describe(`Embedder contract: ${name}`, () => {
    it("embeds nothing to nothing", async () => {
      const e = await factory();
      expect(await e.embed([])).toEqual([]);
    });

    it("returns one unit vector of `dimension` per text, in order, finite", { timeout }, async () => {
      const e = await factory();
      expect(e.id).toMatch(/\S/);
      expect(Number.isInteger(e.dimension) && e.dimension > 0).toBe(true);
      const texts = ["USB-C charging cable 2 m", "Noise cancelling over-ear headphones", "", "4K HDMI monitor 27 inch"];
      const vs = await e.embed(texts);
      expect(vs).toHaveLength(texts.length);
      for (const [i, v] of vs.entries()) {
        expect(v).toBeInstanceOf(Float32Array);
        expect(v.length).toBe(e.dimension);
        expect(v.every(Number.isFinite)).toBe(true);
        // The empty text may embed to zero (no content) or to a unit vector; anything else is unit length.
        const norm = Math.sqrt(dot(v, v));
        if (texts[i] !== "") expect(norm).toBeCloseTo(1, 4);
        else expect(norm === 0 || Math.abs(norm - 1) < 1e-4).toBe(true);
      }
      // Order is kept: embedding a text alone gives the same vector as in the batch.
      const [alone] = await e.embed([texts[3]]);
      expect(dot(alone, vs[3])).toBeCloseTo(1, 3);
    });

    it("is deterministic across calls and batch sizes", { timeout }, async () => {
      const e = await factory();
      const texts = Array.from({ length: 37 }, (_, i) => `refurbished phone model ${i} with ${i % 5} cameras`);
      const a = await e.embed(texts);
      const b = await e.embed(texts.slice(0, 20));
      const c = await e.embed(texts.slice(20));
      expect(a).toHaveLength(37);
      for (const [i, v] of [...b, ...c].entries()) expect(dot(v, a[i])).toBeCloseTo(1, 3);
    });

    if (options.semantic !== false)
      it("embeds related texts closer than unrelated ones", { timeout }, async () => {
        const e = await factory();
        const [a, b, c] = await e.embed([
          "wireless bluetooth gaming mouse",
          "bluetooth wireless mouse for gaming",
          "organic almond oil for dry skin",
        ]);
        expect(dot(a, b)).toBeGreaterThan(dot(a, c));
      });
  });
}
