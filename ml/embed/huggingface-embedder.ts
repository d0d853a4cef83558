import { InferenceClient } from "@huggingface/inference";
import { normalize, type Embedder } from "./embedder.js";

export interface HuggingFaceEmbedderOptions {
  accessToken: string;
  /** A sentence-embedding model served by feature-extraction, e.g. sentence-transformers/all-MiniLM-L6-v2. */
  model: string;
  dimension: number;
  /** Optional inference provider / endpoint URL. */
  endpointUrl?: string;
}

/**
 * Production embedder: Hugging Face Inference feature-extraction. Web-standard fetch only, so it runs in
 * workerd too. Sentence-transformer models return one pooled vector per text; token-level outputs
 * (number[][] per text) are mean-pooled here.
 */
export class HuggingFaceEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  private readonly client: InferenceClient;

  constructor(private readonly options: HuggingFaceEmbedderOptions) {
    this.id = `huggingface/${options.model}`;
    this.dimension = options.dimension;
    this.client = new InferenceClient(
      options.accessToken,
      options.endpointUrl ? { endpointUrl: options.endpointUrl } : undefined,
    );
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const output = await this.client.featureExtraction({ model: this.options.model, inputs: texts });
    if (!Array.isArray(output) || output.length !== texts.length) {
      throw new Error(
        `${this.id}: expected ${texts.length} embeddings, got ${Array.isArray(output) ? output.length : typeof output}`,
      );
    }
    return output.map((row, i) => {
      const v = poolToVector(row);
      if (v.length !== this.dimension)
        throw new Error(`${this.id}: text ${i} embedded to ${v.length} dims, expected ${this.dimension}`);
      return normalize(v);
    });
  }
}

type Nested = number | Nested[];

/** A pooled vector (number[]) as is; token vectors (number[][]) mean-pooled. */
export function poolToVector(row: Nested): Float32Array {
  if (!Array.isArray(row)) throw new Error("feature-extraction returned a scalar where a vector was expected");
  if (row.every((x) => typeof x === "number")) return Float32Array.from(row as number[]);
  const tokens = row.map((t) => poolToVector(t));
  const out = new Float32Array(tokens[0]?.length ?? 0);
  for (const t of tokens) for (let f = 0; f < out.length; f++) out[f] += t[f] / tokens.length;
  return out;
}
