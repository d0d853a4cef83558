// `npm start`: install what is missing, then run the Node server (it migrates, loads the demo data into
// an empty database, and serves on http://127.0.0.1:8787 unless PORT/HOST say otherwise).
import { spawn } from "node:child_process";
import { ensureInstalled } from "./ensure-install.mjs";

ensureInstalled();
const child = spawn(process.execPath, ["--import", "tsx", "src/server/node.ts"], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
