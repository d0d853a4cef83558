import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { buildKernels } from "../../../ml/kernels/build.node.js";
import { KERNEL_NAMES } from "../../../ml/kernels/names.js";

describe("npm run build:wasm", () => {
  it("the committed .wasm of every kernel is byte for byte what its .wat builds to", async () => {
    const built = await buildKernels();
    expect(built.map((k) => k.name)).toEqual([...KERNEL_NAMES]);
    for (const { name, wasm, bytes } of built) {
      const committed = new Uint8Array(await readFile(wasm));
      // Compared as hex so a mismatch names the kernel and shows where it starts.
      expect(Buffer.from(committed).toString("hex"), `${name}.wasm is stale: run npm run build:wasm`).toBe(
        Buffer.from(bytes).toString("hex"),
      );
      expect(WebAssembly.validate(bytes)).toBe(true);
    }
  });
});
