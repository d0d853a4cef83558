/**
 * Kernel modules in workerd (and any bundle built with the "workerd" condition: wrangler, the vitest
 * workers pool). Shared code imports them as `#kernel-modules` (package.json "imports" picks this file under
 * the "workerd" condition, modules.node.ts otherwise). workerd refuses to compile wasm bytes at run time, so
 * the modules arrive as imports: wrangler's default CompiledWasm rule (`**\/*.wasm`) and the vitest pool both
 * turn a `.wasm` import into a compiled WebAssembly.Module at upload / load time.
 */
import type { KernelModuleLoader } from "./names.js";
import rowScorer from "./row-scorer.wasm";
import scan from "./scan.wasm";

const modules = { scan, "row-scorer": rowScorer };

export const kernelModule: KernelModuleLoader = (name) => modules[name];
