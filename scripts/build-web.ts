// `npm run build:web`: bundles the storefront's client scripts (src/web/client/*.ts) with esbuild into
// public/assets/, which the Node server serves (src/web/assets.node.ts) and wrangler uploads as the api
// Worker's static assets (wrangler.toml [assets]). Prints each bundle's gzip size (budget: 60 KB per page).
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildWebAssets } from "./lib/web-assets";

const root = fileURLToPath(new URL("..", import.meta.url));
const outputs = await buildWebAssets(root);
for (const file of outputs) {
  const bytes = readFileSync(file);
  console.log(`${file.slice(root.length)}  ${bytes.length} B, ${gzipSync(bytes).length} B gzip`);
}
