/**
 * Kernel modules on Node (the `#kernel-modules` import outside workerd, see package.json "imports"): each
 * committed `.wasm` next to this file is read and compiled once, on first use. Node has no `.wasm` import
 * (tsx, vitest's Node pool), hence the file read; workerd gets them from modules.workerd.ts.
 */
import { readFileSync } from "node:fs";
import type { KernelModuleLoader, KernelName } from "./names.js";

const compiled = new Map<KernelName, WebAssembly.Module>();

export const kernelModule: KernelModuleLoader = (name) => {
  let module = compiled.get(name);
  if (module === undefined) {
    module = new WebAssembly.Module(readFileSync(new URL(`./${name}.wasm`, import.meta.url)));
    compiled.set(name, module);
  }
  return module;
};
