/**
 * The VectorIndex contract against a real Qdrant, when one is reachable: QDRANT_URL=http://host:6333
 * (and QDRANT_API_KEY if needed). Skipped otherwise: no Qdrant server can run on the dev machines, where
 * qdrant.openapi.test.ts checks the same adapter against the published OpenAPI document instead.
 */
import { describe } from "vitest";
import { QdrantVectorIndex } from "../../../src/adapters/vector-index/qdrant.js";
import { vectorIndexContract } from "../../ports/vector-index.contract.js";

const url = process.env.QDRANT_URL;
const runId = `ci${Date.now().toString(36)}`;
let seq = 0;

describe.skipIf(!url)("real Qdrant at QDRANT_URL", () => {
  vectorIndexContract("qdrant (real server)", async () => {
    const index = new QdrantVectorIndex({ url: url ?? "", apiKey: process.env.QDRANT_API_KEY, prefix: `${runId}_${++seq}_` });
    return {
      index,
      // Unique prefixes keep runs apart; drop what this test created (alias first, by dropping its target last).
      cleanup: async () => {
        const live = await index.liveVersion();
        for (const v of await index.listVersions()) if (v !== live) await index.dropVersion(v);
      },
    };
  });
});
