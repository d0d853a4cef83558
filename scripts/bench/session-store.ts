/**
 * Per-operation cost of the SessionStore adapters that run in-process here (memory; libsql on an embedded
 * file with the app's settings, WAL + synchronous=NORMAL, once through `@libsql/client` and once through
 * the Node entry's native prepared-statement executor), on the shapes the serving path uses:
 * - recent(s, 50) on a 50-event session (the feed's history read),
 * - set(feed:<id>, ~6 KB snapshot, 900) (the feed's first page),
 * - get(feed:<id>) (every later page),
 * - append(s, 1 event) and appendMany(2 streams x 5 events) (POST /v1/events: session + user stream),
 * - incrWithTtl.
 * The embedded client is synchronous, so wall time per op is also the CPU it takes from the event loop.
 * `--two-clients` runs the libsql writes alternately through two clients on the same file (what two
 * cluster workers do), which adds lock hand-over between connections.
 *
 * Each cell is the median of --rounds rounds of --ops calls (wall and process CPU per call).
 *
 *   npx tsx scripts/bench/session-store.ts [--ops 2000] [--rounds 5] [--two-clients]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LibsqlSessionStore } from "../../src/adapters/session-store/libsql.js";
import { nativeSqlExecutor } from "../../src/db/native-executor.node.js";
import { MemorySessionStore } from "../../src/adapters/session-store/memory.js";
import { createNodeLibsqlClient } from "../../src/db/client.node.js";
import { createDatabase } from "../../src/db/database.js";
import { runMigrations } from "../../src/db/migrate.node.js";
import type { SessionEvent, SessionStore } from "../../src/ports/session-store.js";

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const OPS = Number(arg("ops", "2000"));
const TWO = process.argv.includes("--two-clients");
const ROUNDS = Number(arg("rounds", "5"));

const ev = (i: number): SessionEvent => ({
  itemId: `B0${String(i % 30_000).padStart(8, "0")}`,
  type: i % 7 === 0 ? "cart" : "view",
  ts: 1_780_000_000_000 + i,
});
// A feed snapshot as feed-service writes it: 200 candidates with ids, scores and sources (~6 KB).
const snapshot = JSON.stringify({
  v: 1,
  at: 1_780_000_000_000,
  items: Array.from({ length: 200 }, (_, i) => [i * 131, Math.round(Math.random() * 1e4) / 1e4, i % 5]),
});

/** Median over ROUNDS rounds of OPS calls: wall µs/op and CPU µs/op (user + system of this process). */
async function time(label: string, n: number, op: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < Math.min(200, n); i++) await op(i); // warm up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await op(r * n + i);
    wall.push(((performance.now() - t0) * 1000) / n);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / n);
  }
  const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
  console.log(
    `  ${label.padEnd(34)} ${med(wall).toFixed(1).padStart(7)} µs/op wall ${med(cpu).toFixed(1).padStart(7)} µs/op CPU`,
  );
}

async function bench(name: string, stores: SessionStore[]): Promise<void> {
  console.log(name);
  const pick = (i: number) => stores[i % stores.length];
  const sessions = 1000;
  for (let s = 0; s < sessions; s++)
    await pick(s).append(
      `sess-${s}`,
      Array.from({ length: 50 }, (_, j) => ev(s * 50 + j)),
    );
  await time("recent(s, 50) of 50", OPS, (i) => pick(i).recent(`sess-${i % sessions}`, 50));
  await time("set(feed:id, 6 KB, 900)", OPS, (i) => pick(i).set(`feed:${i}`, snapshot, 900));
  await time("get(feed:id) 6 KB", OPS, (i) => pick(i).get(`feed:${i % (OPS * ROUNDS)}`));
  await time("append(s, 1 event) onto 50..", OPS, (i) => pick(i).append(`sess-${i % sessions}`, [ev(i)]));
  await time("appendMany(2 streams x 5 events)", OPS, (i) =>
    pick(i).appendMany([
      { sessionId: `sess-${i % sessions}`, events: Array.from({ length: 5 }, (_, j) => ev(i + j)) },
      { sessionId: `user:${i % 300}`, events: Array.from({ length: 5 }, (_, j) => ev(i + j)) },
    ]),
  );
  await time("incrWithTtl(k, 60)", OPS, (i) => pick(i).incrWithTtl(`rl:${i % 100}`, 60));
}

const dir = mkdtempSync(join(tmpdir(), "session-store-bench-"));
try {
  await bench("memory", [new MemorySessionStore()]);
  const url = `file:${join(dir, "bench.db")}`;
  const client = await createNodeLibsqlClient(url);
  await runMigrations(createDatabase(client));
  const clients = TWO ? [client, await createNodeLibsqlClient(url)] : [client];
  const two = TWO ? ", two connections alternating" : "";
  await bench(
    `libsql through @libsql/client (Web-API path, embedded file${two})`,
    clients.map((c) => new LibsqlSessionStore({ client: c, keyPrefix: "c:" })),
  );
  for (const c of clients) c.close();
  const natives = (TWO ? [0, 1] : [0]).map(() => nativeSqlExecutor(url));
  await bench(
    `libsql native prepared (the Node entry's path${two})`,
    natives.map((executor) => new LibsqlSessionStore({ executor, keyPrefix: "n:" })),
  );
  for (const n of natives) n.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
