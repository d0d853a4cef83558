import type { Client, InStatement, Transaction } from "@libsql/client";
import type { Database } from "../../db/database";
import { toFtsQuery } from "./fts-query";

/**
 * Search head lists: exact precomputed top results for the frequent one-token searches (migration 0007).
 *
 * FTS5's bm25 has no early termination: `ORDER BY rank LIMIT n` makes one idf pass over the term's posting
 * list and then scores every hit (~0.6 µs per hit here), so a word in half the catalog costs ~30 ms per query
 * whatever the page size. Large engines answer such "head" terms from precomputed impact-ordered lists; here a
 * head list is the first K (rowid, rank) pairs of one match expression in (rank, rowid) order, computed by
 * the very query the live path runs (same bm25, same index) and labelled with the catalog revision it was
 * computed at. Triggers bump that revision whenever products_fts can change, and a list is used only while
 * its revision is the current one; otherwise search runs live. Results are identical either way.
 *
 * Heads are chosen from the catalog itself (never from user queries): single-token expressions exactly as
 * `toFtsQuery` writes them — `"t"*` for tokens of 2+ characters, including as-you-type prefixes like `"ch"*`,
 * and `"t"` for one character — whose hits reach `minHits`. Candidates come from the index's vocabulary
 * (products_fts_vocab: exact document counts per stemmed term; a prefix's hits are at most the sum over its
 * terms) and from a sample of product text (the raw words users type: the index holds porter stems, so
 * "charging" is "charg"); each candidate's hits are then counted exactly before any list is ranked.
 *
 * Shared code (Web APIs only): the Node server, the ingest CLI and the scheduler Worker all refresh.
 */

export interface HeadListOptions {
  /** An expression gets a list when it has at least this many hits (default 8,000 ≈ 5 ms of live ranking). */
  minHits?: number;
  /** K, entries per list (default 1,000: 50 pages of 20, and the first filtered window of 400 after a cursor). */
  listLength?: number;
  /** At most this many lists, the expressions with the most hits first (default 1,500). */
  maxExpressions?: number;
  /** Products read for the raw-word sample (default 4,000). */
  sampleDocs?: number;
  /** Rebuild even when the lists are current. */
  force?: boolean;
  log?: (message: string) => void;
  /** Yields between queries so a long build never holds the caller's thread for long (default: a macrotask). */
  pause?: () => Promise<void>;
}

export interface RefreshReport {
  /** `current`: nothing to do; `built`: lists written; `superseded`: the catalog changed during the build (nothing written). */
  status: "current" | "built" | "superseded";
  revision: number;
  candidates: number;
  expressions: number;
  /** Expressions over the threshold left without a list by `maxExpressions`. */
  capped: number;
  ms: number;
}

export interface HeadList {
  match: string;
  revision: number;
  hits: number;
  ids: Float64Array;
  ranks: Float64Array;
  /** The list holds every hit (hits ≤ K), so it answers any window. */
  complete: boolean;
}

const DEFAULTS = { minHits: 8000, listLength: 1000, maxExpressions: 1500, sampleDocs: 4000 };
/** Longest prefix or word considered (longer tokens are never frequent enough to matter). */
const MAX_TOKEN = 24;
/** Category terms (`c<id>`, migration 0006): no user query matches them (a digit confines it to the text columns). */
const CATEGORY_TERM = /^c\d+$/;
const TOKEN = /[\p{L}\p{N}]+/gu;
const HEAD_FORM = /^(?:"[\p{L}\p{N}]+"\*?|\{title features description\} : \("[\p{L}\p{N}]+"\*?\))$/u;

/** Whether `match` (from `toFtsQuery`, before any category scope) has the single-token form head lists are kept for. */
export function isHeadForm(match: string): boolean {
  return HEAD_FORM.test(match);
}

/** Little-endian float64 pairs (rowid, rank): exact for rowids < 2^53 and for every rank bit. */
export function encodeHeadList(ids: ArrayLike<number>, ranks: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(ids.length * 16);
  const view = new DataView(out.buffer);
  for (let i = 0; i < ids.length; i++) {
    view.setFloat64(i * 16, ids[i], true);
    view.setFloat64(i * 16 + 8, ranks[i], true);
  }
  return out;
}

export function decodeHeadList(value: unknown): { ids: Float64Array; ranks: Float64Array } {
  const bytes =
    value instanceof ArrayBuffer
      ? new Uint8Array(value)
      : ArrayBuffer.isView(value)
        ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
        : null;
  if (!bytes || bytes.byteLength % 16 !== 0) throw new Error("search head list: not a list of (rowid, rank) pairs");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength / 16;
  const ids = new Float64Array(n);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ids[i] = view.getFloat64(i * 16, true);
    ranks[i] = view.getFloat64(i * 16 + 8, true);
  }
  return { ids, ranks };
}

/** The current list for `match`, or null (none, or built at an older revision). One statement, one snapshot. */
export async function loadHeadList(db: Database, match: string): Promise<HeadList | null> {
  // raw SQL: the search hot path reads a head list and its revision in one statement, bench:catalog
  const res = await db.$client.execute({
    sql: `SELECT h.revision, h.hits, h.list FROM search_head_lists h
          WHERE h.match = ? AND h.revision = (SELECT revision FROM catalog_revision WHERE id = 1)`,
    args: [match],
  });
  const row = res.rows[0];
  if (!row) return null;
  const { ids, ranks } = decodeHeadList(row.list);
  const hits = Number(row.hits);
  return { match, revision: Number(row.revision), hits, ids, ranks, complete: ids.length >= hits };
}

/** The catalog revision now, and the one the head lists were built at (null: never). */
export async function catalogRevision(
  db: Database | Client | Transaction,
): Promise<{ revision: number; headsRevision: number | null }> {
  const exec = "$client" in db ? db.$client : db;
  // raw SQL: also runs on a bare libSQL client or the refresher's snapshot transaction, bench:catalog
  const res = await exec.execute("SELECT revision, heads_revision FROM catalog_revision WHERE id = 1");
  const row = res.rows[0];
  if (!row) throw new Error("catalog_revision has no row (migration 0007 not applied?)");
  return {
    revision: Number(row.revision),
    headsRevision: row.heads_revision === null ? null : Number(row.heads_revision),
  };
}

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Builds the head lists for the current catalog revision unless they are current (idempotent). Reads in one
 * read transaction (one snapshot: the revision, the choice and every list agree), then writes in one write
 * transaction, only if the revision has not moved meanwhile (else the lists would be stale on arrival).
 */
export async function refreshSearchHeads(db: Database, options: HeadListOptions = {}): Promise<RefreshReport> {
  const started = Date.now();
  const o = { ...DEFAULTS, ...definedOnly(options) };
  const log = options.log ?? (() => {});
  const pause = options.pause ?? macrotask;
  let lastPause = Date.now();
  /** Yields when ≥ 10 ms of work ran since the last yield (always between the build's phases). */
  const breathe = async (always = false) => {
    if (always || Date.now() - lastPause >= 10) {
      await pause();
      lastPause = Date.now();
    }
  };
  const client = db.$client;
  const before = await catalogRevision(client);
  if (!options.force && before.headsRevision === before.revision) {
    return {
      status: "current",
      revision: before.revision,
      candidates: 0,
      expressions: 0,
      capped: 0,
      ms: Date.now() - started,
    };
  }

  let revision: number;
  let candidates: { match: string; stem: string; estimate: number }[];
  const lists: { match: string; hits: number; list: Uint8Array }[] = [];
  let capped = 0;
  const tx = await client.transaction("read");
  try {
    revision = (await catalogRevision(tx)).revision;
    candidates = await chooseCandidates(tx, o, breathe);
    await breathe(true);
    const t1 = Date.now();
    const heads: { match: string; stem: string; hits: number }[] = [];
    for (const c of candidates) {
      // raw SQL: FTS5 MATCH hit count, bench:catalog (head lists build)
      const res = await tx.execute({
        sql: "SELECT count(*) AS n FROM products_fts WHERE products_fts MATCH ?",
        args: [c.match],
      });
      const hits = Number(res.rows[0].n);
      if (hits >= o.minHits) heads.push({ match: c.match, stem: c.stem, hits });
      await breathe();
    }
    await breathe(true);
    heads.sort((a, b) => b.hits - a.hits || (a.match < b.match ? -1 : 1));
    capped = Math.max(0, heads.length - o.maxExpressions);
    const chosen = heads.slice(0, o.maxExpressions);
    log(
      `[search-heads] revision ${revision}: ${candidates.length} candidates counted in ${((Date.now() - t1) / 1000).toFixed(1)} s, ` +
        `${heads.length} with ≥ ${o.minHits} hits${capped ? ` (${capped} over the cap of ${o.maxExpressions} left live)` : ""}`,
    );
    const t2 = Date.now();
    let lastLog = t2;
    // Expressions whose tokens stem alike ("batteries"*, "battery"*, "batteri"*) are one FTS query: ranked once,
    // when their exact hit counts agree too (a second, independent check that they match the same products).
    const ranked = new Map<string, Uint8Array>();
    let rankedQueries = 0;
    for (const [i, h] of chosen.entries()) {
      const key = `${h.hits}\u0000${h.match.replace(/"[^"]+"/, `"${h.stem}"`)}`;
      let list = ranked.get(key);
      if (!list) {
        // raw SQL: FTS5 MATCH ranked by bm25, bench:catalog (head lists build)
        const res = await tx.execute({
          sql: "SELECT rowid AS id, rank FROM products_fts WHERE products_fts MATCH ? ORDER BY rank, rowid LIMIT ?",
          args: [h.match, o.listLength],
        });
        list = encodeHeadList(
          res.rows.map((r) => Number(r.id)),
          res.rows.map((r) => Number(r.rank)),
        );
        ranked.set(key, list);
        rankedQueries++;
      }
      lists.push({ match: h.match, hits: h.hits, list });
      if (Date.now() - lastLog >= 5000) {
        lastLog = Date.now();
        log(`[search-heads] ranked ${i + 1}/${chosen.length} lists in ${((lastLog - t2) / 1000).toFixed(1)} s`);
      }
      await breathe();
    }
    log(
      `[search-heads] ${chosen.length} lists of up to ${o.listLength} from ${rankedQueries} ranked queries in ${((Date.now() - t2) / 1000).toFixed(1)} s`,
    );
  } finally {
    tx.close();
  }

  const w = await client.transaction("write");
  try {
    const now = (await catalogRevision(w)).revision;
    if (now !== revision) {
      log(`[search-heads] catalog moved from revision ${revision} to ${now} during the build; nothing written`);
      return {
        status: "superseded",
        revision,
        candidates: candidates.length,
        expressions: lists.length,
        capped,
        ms: Date.now() - started,
      };
    }
    // raw SQL: swaps the lists in the libSQL write transaction that rechecked the revision, bench:catalog
    await w.execute("DELETE FROM search_head_lists");
    const inserts: InStatement[] = lists.map((l) => ({
      sql: "INSERT INTO search_head_lists (match, revision, hits, list) VALUES (?, ?, ?, ?)",
      args: [l.match, revision, l.hits, l.list],
    }));
    for (let i = 0; i < inserts.length; i += 100) await w.batch(inserts.slice(i, i + 100));
    await w.execute({ sql: "UPDATE catalog_revision SET heads_revision = ? WHERE id = 1", args: [revision] });
    await w.commit();
  } finally {
    w.close();
  }
  const ms = Date.now() - started;
  log(`[search-heads] revision ${revision}: ${lists.length} head lists written, ${(ms / 1000).toFixed(1)} s in all`);
  return { status: "built", revision, candidates: candidates.length, expressions: lists.length, capped, ms };
}

/**
 * Candidate expressions, most estimated hits first. A user's token t becomes `"t"*`, which FTS5 answers with
 * every index term that starts with porter(t) ("batteries"* is every term starting "batteri"). So: the raw
 * words of a sample of product text and all their prefixes (what users type, as they type it), plus the
 * vocabulary's own term prefixes, are stemmed by FTS5's tokenizer itself (a TEMP fts5 table and its
 * fts5vocab), and each is estimated by the summed document counts of the index terms under its stem (an upper
 * bound: a product with two such terms counts twice). One-character tokens are exact terms (`"a"`), counted
 * exactly by the vocabulary. Exact counts decide afterwards.
 */
async function chooseCandidates(
  tx: Transaction,
  o: typeof DEFAULTS,
  breathe: (always?: boolean) => Promise<void>,
): Promise<{ match: string; stem: string; estimate: number }[]> {
  // raw SQL: fts5vocab has no drizzle table, bench:catalog (head lists build)
  const vocab = await tx.execute("SELECT term, doc FROM products_fts_vocab");
  const sums = new Map<string, number>();
  const singles = new Map<string, number>();
  for (const row of vocab.rows) {
    const term = String(row.term);
    const doc = Number(row.doc);
    if (CATEGORY_TERM.test(term)) continue;
    if (term.length === 1) singles.set(term, doc);
    for (let l = 2; l <= Math.min(term.length, MAX_TOKEN); l++) {
      const p = term.slice(0, l);
      sums.set(p, (sums.get(p) ?? 0) + doc);
    }
  }
  const typed = new Set<string>();
  for (const [p, n] of sums) if (n >= o.minHits) typed.add(p);
  await breathe();

  // raw SQL: sampling inside the build's read snapshot (a libSQL transaction), bench:catalog
  const stats = await tx.execute("SELECT max(id) AS maxId FROM products");
  const maxId = Number(stats.rows[0].maxId ?? 0);
  const step = Math.max(1, Math.floor(maxId / o.sampleDocs));
  const ids: number[] = [];
  for (let id = step; id <= maxId && ids.length < o.sampleDocs; id += step) ids.push(id);
  const words = new Set<string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const res = await tx.execute({
      sql: "SELECT title, features, description FROM products WHERE id IN (SELECT value FROM json_each(?))",
      args: [JSON.stringify(ids.slice(i, i + 1000))],
    });
    for (const row of res.rows) {
      for (const w of `${row.title} ${row.features} ${row.description}`.toLowerCase().match(TOKEN) ?? []) {
        if (words.has(w) || w.length > MAX_TOKEN) continue;
        words.add(w);
        if (w.length === 1) typed.add(w);
        for (let l = 2; l <= w.length; l++) typed.add(w.slice(0, l));
      }
    }
    await breathe();
  }

  const stems = await stemAll(tx, [...typed].filter((t) => t.length >= 2).slice(0, MAX_STEMMED));
  await breathe();
  const out = new Map<string, { stem: string; estimate: number }>();
  for (const t of typed) {
    const stem = t.length === 1 ? t : stems.get(t);
    if (stem === undefined) continue;
    const estimate = t.length === 1 ? (singles.get(t) ?? 0) : (sums.get(stem) ?? 0);
    if (estimate < o.minHits) continue;
    const match = toFtsQuery(t);
    if (match !== null && isHeadForm(match)) out.set(match, { stem, estimate });
  }
  return [...out]
    .map(([match, c]) => ({ match, ...c }))
    .sort((a, b) => b.estimate - a.estimate || (a.match < b.match ? -1 : 1))
    .slice(0, o.maxExpressions * 4);
}

/** Strings stemmed at most per build (the sample's words and their prefixes; ~10k at 100k generated products). */
const MAX_STEMMED = 200_000;

/**
 * porter(unicode61(t)) for each string, by FTS5 itself: the strings as rows of a TEMP fts5 table with
 * products_fts's tokenizer, read back through fts5vocab. In the build's read transaction (TEMP is per
 * connection, and a read-only transaction may write TEMP); touches no table of the main database. Strings
 * that are not exactly one token are left out.
 */
async function stemAll(tx: Transaction, strings: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (strings.length === 0) return out;
  // raw SQL: a TEMP FTS5 table runs the porter stemmer, bench:catalog (head lists build)
  const res = await tx.batch([
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_heads_stem USING fts5(w, tokenize = 'porter unicode61')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_heads_stem_v USING fts5vocab(search_heads_stem, instance)",
    "DELETE FROM temp.search_heads_stem",
    {
      sql: "INSERT INTO temp.search_heads_stem (rowid, w) SELECT key + 1, value FROM json_each(?)",
      args: [JSON.stringify(strings)],
    },
    "SELECT doc, term, offset FROM temp.search_heads_stem_v",
    "DROP TABLE temp.search_heads_stem_v",
    "DROP TABLE temp.search_heads_stem",
  ]);
  const tokens = new Map<number, string | null>();
  for (const row of res[4].rows) {
    const doc = Number(row.doc);
    tokens.set(doc, tokens.has(doc) || Number(row.offset) !== 0 ? null : String(row.term));
  }
  for (const [doc, term] of tokens) if (term !== null) out.set(strings[doc - 1], term);
  return out;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Keeps the head lists current from a long-running process (the Node server): refreshes at start, then polls
 * the catalog revision and refreshes once it has been stable for one interval (a running ingest bumps it per
 * batch). Off the request path: timers only, never awaited by the caller, errors logged.
 */
export function startSearchHeadsRefresher(
  db: Database,
  options: HeadListOptions & { intervalMs?: number } = {},
): { stop: () => void; idle: () => Promise<void> } {
  const intervalMs = options.intervalMs ?? 15_000;
  const log = options.log ?? (() => {});
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSeen: number | null = null;

  const refresh = () =>
    (running = refreshSearchHeads(db, options).then(
      (r) => {
        if (r.status !== "current")
          log(
            `[search-heads] ${r.status} at revision ${r.revision}: ${r.expressions} lists, ${(r.ms / 1000).toFixed(1)} s`,
          );
      },
      (err: unknown) => log(`[search-heads] refresh failed: ${err instanceof Error ? err.message : String(err)}`),
    ));

  const tick = async () => {
    if (stopped) return;
    try {
      const { revision, headsRevision } = await catalogRevision(db);
      if (revision !== headsRevision) {
        // Debounce: refresh once the revision held still for a whole interval.
        if (lastSeen === revision) await refresh();
        lastSeen = revision;
      }
    } catch (err) {
      log(`[search-heads] revision check failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    schedule();
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void tick(), intervalMs);
    (timer as { unref?: () => void }).unref?.();
  };

  timer = setTimeout(() => {
    void refresh().then(schedule);
  }, 0);
  (timer as { unref?: () => void }).unref?.();
  return {
    stop: () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
    idle: () => running,
  };
}
