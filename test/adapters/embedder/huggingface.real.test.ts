/**
 * The Embedder contract against the real Hugging Face Inference API, when HF_TOKEN is set (HF_EMBED_MODEL /
 * HF_EMBED_DIM / HF_EMBED_URL choose the model and endpoint). Skipped otherwise: the fake-server suite
 * (huggingface.fake.test.ts) checks the same adapter against the published contract offline.
 */
import { describe } from "vitest";
import { selectEmbedder } from "../../../src/adapters/embedder/select.js";
import { embedderContract } from "../../ports/embedder.contract.js";

const token = process.env.HF_TOKEN;

describe.skipIf(!token)("real Hugging Face Inference at HF_TOKEN", () => {
  embedderContract(
    "huggingface (real endpoint)",
    () =>
      selectEmbedder({
        HF_TOKEN: token,
        HF_EMBED_MODEL: process.env.HF_EMBED_MODEL,
        HF_EMBED_DIM: process.env.HF_EMBED_DIM,
        HF_EMBED_URL: process.env.HF_EMBED_URL,
      }).embedder,
    { timeoutMs: 120_000 },
  );
});
