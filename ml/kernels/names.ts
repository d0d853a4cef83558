/**
 * The WebAssembly kernels: each is `<name>.wat` (the source) built to `<name>.wasm` (committed) by
 * `npm run build:wasm` (build.node.ts).
 */
export const KERNEL_NAMES = ["scan", "row-scorer"] as const;

export type KernelName = (typeof KERNEL_NAMES)[number];

/** How a runtime hands out a kernel's compiled module (modules.node.ts, modules.workerd.ts). */
export type KernelModuleLoader = (name: KernelName) => WebAssembly.Module;
