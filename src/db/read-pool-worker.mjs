// One read-only libSQL connection on its own thread, for src/db/read-pool.node.ts. Plain JavaScript so it
// loads in a worker without a TypeScript loader. Rows are sent back as plain objects (libSQL rows carry
// both index and name keys, which structured clone would not keep as such).
import { parentPort, workerData } from "node:worker_threads";
import { createClient } from "@libsql/client";

const client = createClient({ url: workerData.url, authToken: workerData.authToken, timeout: 5000 });
// Readers only: a bug that tried to write through the pool fails instead of racing the main connection.
const ready = client.execute("PRAGMA query_only = ON");

parentPort.on("message", async ({ id, sql, args }) => {
  try {
    await ready;
    const rs = await client.execute({ sql, args });
    const rows = rs.rows.map((r) => Object.fromEntries(rs.columns.map((c, i) => [c, r[i]])));
    parentPort.postMessage({ id, rows });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
