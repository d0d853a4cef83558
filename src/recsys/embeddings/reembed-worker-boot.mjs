// Workers do not inherit a TypeScript loader under every runner (vitest, plain node): register tsx,
// then load the TypeScript worker body (as ml/models/sequential/grad-worker-boot.mjs does).
import { register } from "tsx/esm/api";

register();
await import("./reembed-worker.node.ts");
