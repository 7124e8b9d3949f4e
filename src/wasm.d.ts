/** `.wasm` imports: wrangler and the Workers vitest pool hand them over compiled. */
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
