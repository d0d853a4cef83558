/** A `.wasm` import in workerd bundles (wrangler's CompiledWasm rule, the vitest workers pool): a compiled module. */
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
