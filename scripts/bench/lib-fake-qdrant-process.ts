/**
 * bench:chaos's vector backend in its own process (so its OpenAPI checks do not share the load generator's
 * event loop): the fake Qdrant of test/adapters/vector-index/fake-qdrant.ts on `--port`. SIGUSR1 stops it
 * (port closed, connections dropped), SIGUSR2 starts it again with its collections; SIGTERM prints
 * `{"violations":n}` and exits. Prints `{"url":…}` once listening.
 */
import { parseArgs } from "node:util";
import { startFakeQdrant } from "../../test/adapters/vector-index/fake-qdrant";

const { values } = parseArgs({ options: { port: { type: "string" } } });
const qdrant = await startFakeQdrant();
// Move to the requested port: stop on the random one, then listen on the given one.
if (values.port) await qdrant.stop();
const url = values.port
  ? await qdrant.restart(Number(values.port)).then(() => `http://127.0.0.1:${values.port}`)
  : qdrant.url;
console.log(JSON.stringify({ url }));
process.on("SIGUSR1", () => void qdrant.stop().then(() => console.log(JSON.stringify({ stopped: true }))));
process.on("SIGUSR2", () => void qdrant.restart().then(() => console.log(JSON.stringify({ restarted: true }))));
process.on("SIGTERM", () => {
  console.log(JSON.stringify({ violations: qdrant.violations.length, sample: qdrant.violations.slice(0, 3) }));
  process.exit(0);
});
