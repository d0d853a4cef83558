/**
 * Rebuilds every WebAssembly kernel (ml/kernels/<name>.wasm) from its text source (<name>.wat) with the
 * pinned wabt. Run after editing a `.wat` and commit both; test/ml/kernels/build.test.ts fails otherwise.
 *
 *   npm run build:wasm
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { buildKernels } from "../ml/kernels/build.node.js";

for (const { wasm, bytes } of await buildKernels()) {
  await writeFile(wasm, bytes);
  console.log(`${fileURLToPath(wasm)}: ${bytes.length} bytes`);
}
