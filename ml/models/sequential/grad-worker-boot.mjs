// Workers do not inherit a TypeScript loader under every runner (vitest, plain node): register tsx,
// then load the TypeScript worker body.
import { register } from "tsx/esm/api";

register();
await import("./grad-worker.ts");
