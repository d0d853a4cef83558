/**
 * Hot-path cost of the feedback read every recommendation request now makes (src/recsys/feedback/
 * signals.ts FeedbackSignals.forCaller): the account's negative-feedback rows (one primary-key range read),
 * the session's anonymous feedback and the caller's shown counts (one SessionStore read each), with the
 * in-process and the libSQL session store, on an embedded libSQL file with the app's settings; plus the
 * once-per-caller seed of the counts from the event log, the per-page count update of the impression
 * flush, and for comparison the read the feed already made for signed-in users (userExclusions).
 *
 * The event log is filled with --users users of --events events each (a third of them impression rows of
 * 20 items, as the feed logs one per page), plus one heavy user and one heavy anonymous session with
 * --heavy impression pages in the window, 200 views and 50 negative-feedback rows (the user). Each line is
 * the per-call latency over --ops sequential calls (p50 / p99 / mean, µs) and the process CPU per call (the
 * embedded client is synchronous, so that is what a call takes from the event loop; on a loaded host it is
 * the steadier number).
 *
 *   npx tsx scripts/bench/feedback-signals.ts [--users 5000] [--events 60] [--heavy 100] [--ops 2000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemorySessionStore } from "../../src/adapters/session-store/memory.js";
import { createNodeLibsqlClient } from "../../src/db/client.node.js";
import { nativeSqlExecutor } from "../../src/db/native-executor.node.js";
import { createDatabase } from "../../src/db/database.js";
import { runMigrations } from "../../src/db/migrate.node.js";
import { LibsqlSessionStore } from "../../src/adapters/session-store/libsql.js";
import type { SessionStore } from "../../src/ports/session-store.js";
import {
  SESSION_SHOWN_SQL,
  shownWithoutClickStatement,
  USER_SHOWN_SQL,
} from "../../src/recsys/feedback/impressions.js";
import { FeedbackSignals } from "../../src/recsys/feedback/signals.js";
import { SqlMarketplace } from "../../src/recsys/sql-marketplace.js";

const arg = (name: string, fallback: string): number => {
  const i = process.argv.indexOf(`--${name}`);
  return Number(i >= 0 ? process.argv[i + 1] : fallback);
};
const USERS = arg("users", "5000");
const EVENTS = arg("events", "60");
const HEAVY = arg("heavy", "100");
const OPS = arg("ops", "2000");
const NOW = Date.UTC(2026, 0, 10);
const ITEMS = 30_000;
const pid = (i: number): string => `B0${String(i % ITEMS).padStart(8, "0")}`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-feedback-"));
  const url = `file:${join(dir, "bench.db")}`;
  const fill = await createNodeLibsqlClient(url);
  let client = fill;
  let native: ReturnType<typeof nativeSqlExecutor> | null = null;
  try {
    await runMigrations(createDatabase(fill));
    let seq = 0;
    /** user_id, anon_id, parent_asin, type, ts, context */
    type Row = [string | null, string | null, string | null, string, number, string | null];
    const insert = async (rows: Row[]): Promise<void> => {
      for (let i = 0; i < rows.length; i += 2000)
        await client.batch(
          rows.slice(i, i + 2000).map((r) => ({
            sql: "INSERT INTO events (id, user_id, anon_id, parent_asin, type, ts, context, client_event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            args: [`e${++seq}`, ...r, `c${seq}`],
          })),
          "write",
        );
    };
    const page = (k: number): string =>
      JSON.stringify({
        surface: "home_feed",
        snapshotId: `s${k}`,
        modelVersion: "m",
        offset: 0,
        items: Array.from({ length: 20 }, (_, j) => pid(k * 7 + j)),
      });
    const t0 = performance.now();
    let rows: Row[] = [];
    for (let u = 0; u < USERS; u++) {
      for (let e = 0; e < EVENTS; e++) {
        const ts = NOW - ((u * 7919 + e * 104_729) % (6 * 86_400_000));
        rows.push(
          e % 3 === 0
            ? [`u${u}`, `s${u}`, null, "impression", ts, page(u + e)]
            : [`u${u}`, `s${u}`, pid(u * 31 + e), e % 9 === 1 ? "click" : "view", ts, null],
        );
      }
      if (rows.length >= 20_000) {
        await insert(rows);
        rows = [];
      }
    }
    // The heavy user (signed in) and the heavy anonymous session.
    for (const [user, anon] of [
      ["heavy", "heavy-sess"],
      [null, "anon-heavy"],
    ] as const) {
      for (let k = 0; k < HEAVY; k++) rows.push([user, anon, null, "impression", NOW - k * 60_000, page(k % 10)]);
      for (let k = 0; k < 200; k++) rows.push([user, anon, pid(k * 13), "view", NOW - k * 30_000, null]);
    }
    await insert(rows);
    await client.execute("INSERT INTO user (id, name, email) VALUES ('heavy', 'heavy', 'heavy@example.test')");
    await client.batch(
      Array.from({ length: 50 }, (_, k) => ({
        sql: "INSERT INTO user_item_feedback (user_id, product_id, kind, created_at) VALUES ('heavy', ?, 'hide', ?)",
        args: [pid(k * 101), NOW - k],
      })),
      "write",
    );
    await fill.execute("ANALYZE");
    const total = Number((await fill.execute("SELECT count(*) AS n FROM events")).rows[0].n);
    console.log(`events: ${total.toLocaleString()} rows (${((performance.now() - t0) / 1000).toFixed(1)} s to fill)`);
    // Measured on a client of its own, as a server process would open it.
    fill.close();
    client = await createNodeLibsqlClient(url);
    const db = createDatabase(client);
    native = nativeSqlExecutor(url);

    /** Wall latency per call (p50 / p99 / mean) and this process's CPU per call (mean): the event-loop cost. */
    const time = async (label: string, op: (i: number) => Promise<unknown>, ops = OPS): Promise<void> => {
      for (let i = 0; i < Math.min(200, ops); i++) await op(i);
      const us: number[] = [];
      const c0 = process.cpuUsage();
      for (let i = 0; i < ops; i++) {
        const s = performance.now();
        await op(i);
        us.push((performance.now() - s) * 1000);
      }
      const c = process.cpuUsage(c0);
      us.sort((a, b) => a - b);
      const q = (p: number): string => us[Math.min(us.length - 1, Math.floor(p * us.length))].toFixed(0);
      const mean = us.reduce((a, b) => a + b, 0) / us.length;
      const cpu = (c.user + c.system) / ops;
      console.log(
        `${label.padEnd(64)} p50 ${q(0.5).padStart(5)}  p99 ${q(0.99).padStart(5)}  mean ${mean.toFixed(0).padStart(5)}  cpu ${cpu.toFixed(0).padStart(5)} µs`,
      );
    };

    for (const [who, sql] of [
      ["user", USER_SHOWN_SQL],
      ["session", SESSION_SHOWN_SQL],
    ]) {
      const plan = await client.execute({
        sql: `EXPLAIN QUERY PLAN ${sql}`,
        args: ["heavy", NOW - 3 * 86_400_000, 100, 3],
      });
      console.log(`seed query plan (${who}): ${plan.rows.map((r) => String(r.detail)).join(" | ")}`);
    }
    const marketplace = new SqlMarketplace(
      db,
      () => null,
      () => NOW,
    );
    await time("baseline: userExclusions (already on the path, signed-in)", (i) =>
      marketplace.userExclusions(`u${i % USERS}`),
    );
    const seedStmt = (userId: string) => shownWithoutClickStatement({ userId, sessionId: null }, NOW)!;
    await time("seed: count from the event log, heavy user (once per caller)", () => client.execute(seedStmt("heavy")));
    await time("seed: count from the event log, typical user", (i) => client.execute(seedStmt(`u${i % USERS}`)));
    await time("seed: count from the event log, typical anonymous session", (i) =>
      client.execute(shownWithoutClickStatement({ userId: null, sessionId: `s${i % USERS}` }, NOW)!),
    );

    const stores: [string, SessionStore][] = [
      ["memory", new MemorySessionStore({ now: () => NOW })],
      // As the Node entry runs it (start.node.ts nodeSessionStore): on the native prepared-statement executor.
      ["libsql", new LibsqlSessionStore({ executor: native, now: () => NOW })],
    ];
    for (const [name, sessions] of stores) {
      await sessions.set(
        "negfb:anon-heavy",
        JSON.stringify({ [pid(1)]: ["hide", NOW], [pid(2)]: ["dislike", NOW] }),
        1800,
      );
      const signals = new FeedbackSignals(db, sessions, () => NOW);
      // Warm every caller's value (the seed), then grow the heavy ones to the tracked maximum.
      for (let u = 0; u < USERS; u++) {
        await signals.forCaller({ userId: `u${u}`, sessionId: `s${u}` });
        await signals.forCaller({ userId: null, sessionId: `s${u}` });
      }
      const heavyPages = Array.from({ length: 40 }, (_, k) => ({
        userId: "heavy",
        sessionId: "heavy-sess",
        ts: NOW,
        items: Array.from({ length: 20 }, (_, j) => pid(1000 + k * 20 + j)),
      }));
      await signals.recordShown(heavyPages);
      const check = await signals.forCaller({ userId: "heavy", sessionId: "heavy-sess" });
      console.log(
        `[${name}] heavy user: ${check.negative.size} negative, ${check.shownWithoutClick.size} items shown >= 3 times unclicked`,
      );
      await time(`[${name}] forCaller: heavy signed-in user (+ session)`, () =>
        signals.forCaller({ userId: "heavy", sessionId: "heavy-sess" }),
      );
      await time(`[${name}] forCaller: typical signed-in user (+ session)`, (i) =>
        signals.forCaller({ userId: `u${i % USERS}`, sessionId: `s${i % USERS}` }),
      );
      await time(`[${name}] forCaller: heavy anonymous session`, () =>
        signals.forCaller({ userId: null, sessionId: "anon-heavy" }),
      );
      await time(`[${name}] forCaller: typical anonymous session`, (i) =>
        signals.forCaller({ userId: null, sessionId: `s${i % USERS}` }),
      );
      await time(`[${name}] recordShown: one 20-item page, heavy user (flush)`, (i) =>
        signals.recordShown([{ ...heavyPages[0], items: heavyPages[i % 40].items }]),
      );
      await time(`[${name}] recordShown: one 20-item page, typical user (flush)`, (i) =>
        signals.recordShown([
          { userId: `u${i % USERS}`, sessionId: `s${i % USERS}`, ts: NOW, items: heavyPages[i % 40].items },
        ]),
      );
    }
  } finally {
    native?.close();
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
