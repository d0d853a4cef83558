/**
 * The VectorIndex contract against a real Qdrant, when one is reachable: QDRANT_URL=http://host:6333
 * (and QDRANT_API_KEY if needed). Skipped otherwise: no Qdrant server can run on the dev machines, where
 * qdrant.openapi.test.ts checks the same adapter against the published OpenAPI document instead.
 */
import { describe } from "vitest";
import { QdrantClient } from "@qdrant/js-client-rest";
import { QdrantVectorIndex } from "../../../src/adapters/vector-index/qdrant.js";
import { vectorIndexContract } from "../../ports/vector-index.contract.js";

const url = process.env.QDRANT_URL;
const apiKey = process.env.QDRANT_API_KEY;
const runId = `ci${Date.now().toString(36)}`;
let seq = 0;

describe.skipIf(!url)("real Qdrant at QDRANT_URL", () => {
  vectorIndexContract("qdrant (real server)", async () => {
    const prefix = `${runId}_${++seq}_`;
    return {
      index: new QdrantVectorIndex({ url: url ?? "", apiKey, prefix }),
      // Unique prefixes keep runs apart; deleting a collection also deletes aliases pointing at it.
      cleanup: async () => {
        const client = new QdrantClient({ url, apiKey, checkCompatibility: false });
        const { collections } = await client.getCollections();
        for (const c of collections) if (c.name.startsWith(prefix)) await client.deleteCollection(c.name);
      },
    };
  });
});
