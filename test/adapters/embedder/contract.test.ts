/** The Embedder contract on the in-process adapters (the HF adapter runs it in huggingface.fake.test.ts). */
import { HashingEmbedder } from "../../../src/adapters/embedder/hashing.js";
import { UniversalSentenceEncoderEmbedder } from "../../../src/adapters/embedder/universal-sentence-encoder.node.js";
import { embedderContract } from "../../ports/embedder.contract.js";

embedderContract("hashing", () => new HashingEmbedder(64));
const use = new UniversalSentenceEncoderEmbedder(); // one instance: the model loads once (~1 s)
embedderContract("offline Universal Sentence Encoder", () => use, { timeoutMs: 120_000 });
