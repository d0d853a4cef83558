/**
 * `npm run lint:openapi` / `npm run gen:client`: dump the app's OpenAPI document (no server) to a file, and
 * with --types write the client types generated from it (src/client/schema.d.ts).
 *
 *   tsx scripts/openapi.ts [--out .tmp/openapi.json] [--types src/client/schema.d.ts]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { CLIENT_TYPES_PATH, clientTypes, openApiDocument } from "./lib/openapi/document";

const { values } = parseArgs({
  options: { out: { type: "string", default: ".tmp/openapi.json" }, types: { type: "string" } },
});
const write = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
};

const doc = await openApiDocument();
write(values.out, `${JSON.stringify(doc, null, 2)}\n`);
if (values.types !== undefined) write(values.types || CLIENT_TYPES_PATH, await clientTypes(doc));
