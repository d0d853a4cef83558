/** Inference: encode histories to their last hidden state and score items against it. Web-standard only. */
import { dotRow } from "../common.js";
import { forward, makeBatch } from "./encoder.js";
import type { Layout } from "./params.js";

/** Keeps only known item indices (unknown ones have no embedding). */
function clean(history: Int32Array, numItems: number): Int32Array {
  let ok = true;
  for (const x of history) if (x < 0 || x >= numItems) ok = false;
  return ok ? history : history.filter((x) => x >= 0 && x < numItems);
}

/** Last-position hidden state of each history, [histories.length, d]; empty histories give zeros. */
export function encodeLast(
  layout: Layout,
  theta: Float32Array,
  histories: readonly Int32Array[],
  chunk = 512,
): Float32Array {
  const d = layout.shape.dim;
  const out = new Float32Array(histories.length * d);
  for (let from = 0; from < histories.length; from += chunk) {
    const idx: number[] = [];
    const seqs: Int32Array[] = [];
    for (let i = from; i < Math.min(from + chunk, histories.length); i++) {
      const h = clean(histories[i], layout.shape.numItems);
      if (h.length > 0) {
        idx.push(i);
        seqs.push(h);
      }
    }
    if (seqs.length === 0) continue;
    const batch = makeBatch(seqs, layout.shape.maxLen);
    const { z } = forward(layout, theta, batch, 0, null);
    for (let s = 0; s < seqs.length; s++) {
      const last = batch.seqStart[s] + batch.seqLen[s] - 1;
      out.set(z.subarray(last * d, last * d + d), idx[s] * d);
    }
  }
  return out;
}

/** Scores of the given items (all items when null) for one encoded history u. */
export function scoreItems(
  layout: Layout,
  theta: Float32Array,
  u: Float32Array,
  items: Int32Array | null,
): Float32Array {
  const d = layout.shape.dim;
  const n = items === null ? layout.shape.numItems : items.length;
  const out = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    const item = items === null ? j : items[j];
    if (item < 0 || item >= layout.shape.numItems) {
      out[j] = -Infinity;
      continue;
    }
    // four partial sums (dotRow): shorter dependency chains, ≈2× faster over the whole catalogue
    out[j] = dotRow(u, theta, layout.itemEmb + item * d, d);
  }
  return out;
}
