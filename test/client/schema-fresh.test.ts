import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLIENT_TYPES_PATH, clientTypes, openApiDocument } from "../../scripts/lib/openapi/document";

/** The committed client types are the document's: a route change without `npm run gen:client` fails here. */
describe("generated client types (src/client/schema.d.ts)", () => {
  it("equal a fresh generation from the app's /openapi.json", async () => {
    const committed = readFileSync(join(import.meta.dirname, "../..", CLIENT_TYPES_PATH), "utf8");
    const fresh = await clientTypes(await openApiDocument());
    expect(committed === fresh, `${CLIENT_TYPES_PATH} is stale: run \`npm run gen:client\` and commit it`).toBe(true);
  }, 30_000);
});
