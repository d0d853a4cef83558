import type { Config } from "../../config";
import { selectEmbedder, type EmbedderChoice } from "./select";
import { UniversalSentenceEncoderEmbedder } from "./universal-sentence-encoder.node.js";

/** Node's embedder: Hugging Face when HF_TOKEN is set, else the offline Universal Sentence Encoder. */
export function selectNodeEmbedder(config: Pick<Config, "HF_TOKEN">, env = process.env): EmbedderChoice {
  return selectEmbedder(
    {
      HF_TOKEN: config.HF_TOKEN,
      HF_EMBED_MODEL: env.HF_EMBED_MODEL,
      HF_EMBED_DIM: env.HF_EMBED_DIM,
      HF_EMBED_URL: env.HF_EMBED_URL,
    },
    { offline: () => new UniversalSentenceEncoderEmbedder() },
  );
}
