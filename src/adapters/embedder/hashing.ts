import { normalize } from "../../../ml/embed/embedder.js";
import type { Embedder } from "../../ports/embedder";

/**
 * Deterministic feature-hashing embedder: lower-cased word unigrams and bigrams hashed (FNV-1a) into
 * `dimension` buckets with a hashed sign. Texts sharing words get similar vectors; no model, no network, same
 * output everywhere. Used by tests and, stated loudly in its id and by the selector, as the Worker's fallback
 * when no HF_TOKEN is set (the offline encoder cannot run in workerd).
 */
export class HashingEmbedder implements Embedder {
  readonly id: string;

  constructor(readonly dimension = 256) {
    this.id = `hashing-${dimension}`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  private embedOne(text: string): Float32Array {
    const v = new Float32Array(this.dimension);
    const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const add = (token: string, weight: number): void => {
      const h = fnv1a(token);
      v[h % this.dimension] += (h & 0x80000000 ? -1 : 1) * weight;
    };
    for (let i = 0; i < words.length; i++) {
      add(words[i], 1);
      if (i > 0) add(`${words[i - 1]} ${words[i]}`, 0.5);
    }
    return normalize(v);
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
