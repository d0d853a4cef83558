/**
 * Builds the kernels' `.wasm` from their `.wat` with wabt (pinned in package.json: the same bytes on every
 * machine). `npm run build:wasm` (scripts/build-wasm.ts) writes them; test/ml/kernels/build.test.ts checks the
 * committed files are exactly what this produces, so a `.wat` edit cannot ship without its `.wasm`.
 */
import { readFile } from "node:fs/promises";
import wabt from "wabt";
import { KERNEL_NAMES, type KernelName } from "./names.js";

export const kernelPath = (name: KernelName, ext: "wat" | "wasm"): URL => new URL(`./${name}.${ext}`, import.meta.url);

/** Every kernel's source path and freshly built bytes (no name section: the bytes depend on the code only). */
export async function buildKernels(): Promise<
  { name: KernelName; wat: URL; wasm: URL; bytes: Uint8Array<ArrayBuffer> }[]
> {
  const toolchain = await wabt();
  const built = [];
  for (const name of KERNEL_NAMES) {
    const wat = kernelPath(name, "wat");
    const module = toolchain.parseWat(`${name}.wat`, await readFile(wat, "utf8"), { simd: true });
    try {
      module.validate();
      const { buffer } = module.toBinary({ log: false, write_debug_names: false, canonicalize_lebs: true });
      built.push({ name, wat, wasm: kernelPath(name, "wasm"), bytes: new Uint8Array(buffer) });
    } finally {
      module.destroy();
    }
  }
  return built;
}
