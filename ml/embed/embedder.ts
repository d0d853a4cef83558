/**
 * What ml/ needs of a text embedder, structurally: src/ports/embedder.ts's `Embedder` (and every adapter in
 * src/adapters/embedder/) satisfies it, and ml/ never imports src/. Vectors are L2-normalised Float32 of
 * length `dimension`, one per text, in order.
 */
export interface TextEmbedder {
  /** Stable name + model id, recorded in artifacts so that vectors are never mixed across embedders. */
  readonly id: string;
  readonly dimension: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** In-place L2 normalisation (zero vectors stay zero). */
export function normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

/** Embeds in batches so that a large catalogue never goes to an encoder in one call. */
export async function embedInBatches(
  embedder: Pick<TextEmbedder, "id" | "embed">,
  texts: string[],
  batchSize: number,
  onProgress?: (done: number, total: number) => void,
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += batchSize) {
    const batch = await embedder.embed(texts.slice(i, i + batchSize));
    if (batch.length !== Math.min(batchSize, texts.length - i)) {
      throw new Error(
        `${embedder.id}: returned ${batch.length} vectors for ${Math.min(batchSize, texts.length - i)} texts`,
      );
    }
    out.push(...batch);
    onProgress?.(out.length, texts.length);
  }
  return out;
}
