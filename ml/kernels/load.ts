/**
 * The one way shared code gets a kernel's compiled WebAssembly.Module, on Node and in workerd alike:
 * `#kernel-modules` (package.json "imports") resolves to modules.workerd.ts under the "workerd" condition
 * (wrangler, the vitest workers pool: the `.wasm` files are imported, precompiled) and to modules.node.ts
 * everywhere else (the file is read and compiled once). Why a conditional import rather than an injected
 * provider: every entry point (server, CLIs, scripts, tests) would have to remember to inject it, and one that
 * forgot would silently score with the JS loops. Why not base64 in a generated module: workerd refuses
 * `new WebAssembly.Module(bytes)` at run time, so Workers would never get the fast path.
 */
import { kernelModule as runtimeKernelModule } from "#kernel-modules";
import type { KernelName } from "./names.js";

const modules = new Map<KernelName, WebAssembly.Module | null>();

/**
 * The kernel's module, or undefined where this runtime has no WebAssembly SIMD (the module does not compile):
 * callers then run their JS loops (same bits, slower) and report it in their `backend`. Any other failure (a
 * missing or unreadable `.wasm`) is a broken build and throws.
 */
export function kernelModule(name: KernelName): WebAssembly.Module | undefined {
  let module = modules.get(name);
  if (module === undefined) {
    try {
      module = runtimeKernelModule(name);
    } catch (error) {
      if (!(error instanceof WebAssembly.CompileError)) throw error;
      module = null;
    }
    modules.set(name, module);
  }
  return module ?? undefined;
}
