// `npm start`: install what is missing, then run the Node server (it migrates, loads the demo data into
// an empty database, and serves on http://127.0.0.1:8787 unless PORT/HOST say otherwise).
//
// Signals: SIGINT/SIGTERM/SIGHUP are passed on to the server, which drains and exits within 10 s; this
// wrapper then exits with the server's code. The IPC channel ties the server to this wrapper: if the wrapper
// is killed outright (SIGKILL), the channel closes and the server shuts itself down (src/server/node.ts).
import { spawn, spawnSync } from "node:child_process";
import { constants } from "node:os";
import { ensureInstalled } from "./ensure-install.mjs";

ensureInstalled();
// The storefront's client bundles (public/assets/*.js), rebuilt each start: esbuild takes well under a second.
const built = spawnSync(process.execPath, ["--import", "tsx", "scripts/build-web.ts"], { stdio: "inherit" });
if (built.status !== 0) process.exit(built.status ?? 1);
const child = spawn(process.execPath, ["--import", "tsx", "src/server/node.ts"], {
  stdio: ["inherit", "inherit", "inherit", "ipc"],
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
