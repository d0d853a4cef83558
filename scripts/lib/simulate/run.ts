/**
 * Simulated shoppers against the HTTP API of a running server: each shopper (an anonymous session) reads feed
 * pages, and clicks, buys and marks not-interested by the click model over their hidden taste; every action is
 * posted to `POST /v1/events` with the recommendation's id and position, as the web client would.
 */
import { createProgress } from "../replay/progress";
import { DEFAULT_CLICKS, simulatePage, type ClickParams } from "./click-model";
import { OutcomeTable, type CountsReport } from "./outcomes";
import { hashSeed, mulberry32 } from "./rng";
import { TasteModel } from "./taste";

export interface SimulateOptions {
  base: string;
  shoppers: number;
  steps: number;
  seed: number;
  pageSize: number;
  /** Pages a shopper may scroll per step when nothing on the page caught their eye. */
  pages: number;
  concurrency: number;
  /** Time buckets (equal numbers of steps) for the outcome-over-time table. */
  buckets: number;
  clicks?: ClickParams;
  taste?: TasteModel;
  log: (line: string) => void;
  /**
   * Called after each round of steps (all shoppers did step `step`; `impressions` so far): the challenger
   * hooks use it.
   */
  onRound?: (step: number, impressions: number) => Promise<void>;
}

export interface SimulateReport {
  shoppers: number;
  steps: number;
  seed: number;
  pages: number;
  impressions: number;
  events: { posted: number; rejected: Record<string, number> };
  byPosition: Record<string, CountsReport>;
  byModelVersion: Record<string, CountsReport>;
  byBucket: Record<string, CountsReport>;
  /** Mean hidden affinity of what was shown, per bucket: the quality of the feed as the shoppers see it. */
  meanAffinityByBucket: Record<string, number>;
}

interface FeedItem {
  productId: string;
  category: string;
  recommendationId: string;
  modelVersion?: string;
}

interface FeedPage {
  items: FeedItem[];
  nextCursor: string | null;
  modelVersion: string;
}

export function shopperSession(seed: number, i: number): string {
  return `sim-${seed}-${i}`.padEnd(8, "0");
}

export async function simulateShoppers(o: SimulateOptions): Promise<SimulateReport> {
  const taste = o.taste ?? new TasteModel(o.seed);
  const clickParams = o.clicks ?? DEFAULT_CLICKS;
  const byPosition = new OutcomeTable();
  const byVersion = new OutcomeTable();
  const byBucket = new OutcomeTable();
  const affinitySum = new Map<string, { s: number; n: number }>();
  const rejected: Record<string, number> = {};
  let posted = 0;
  let impressions = 0;
  const bucketOf = (step: number) => `${Math.min(o.buckets, Math.floor((step * o.buckets) / o.steps)) + 1}`;

  const get = async (path: string, sessionId: string): Promise<FeedPage> => {
    const res = await fetch(`${o.base}${path}`, { headers: { "x-session-id": sessionId } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as FeedPage;
  };

  const shopperStep = async (shopper: number, step: number) => {
    const sessionId = shopperSession(o.seed, shopper);
    const random = mulberry32(hashSeed(`${shopper}:${step}`, o.seed));
    const bucket = bucketOf(step);
    let cursor: string | null = null;
    for (let page = 0; page < o.pages; page++) {
      const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const feed = await get(`/v1/feed?limit=${o.pageSize}${q}`, sessionId);
      const offset = page * o.pageSize;
      const affinities = feed.items.map((it) => taste.affinity(sessionId, it));
      const actions = simulatePage(affinities, random, clickParams);
      feed.items.forEach((it, i) => {
        const version = it.modelVersion ?? feed.modelVersion;
        byPosition.add(String(offset + i + 1), "impressions");
        byVersion.add(version, "impressions");
        byBucket.add(bucket, "impressions");
        const a = affinitySum.get(bucket) ?? { s: 0, n: 0 };
        a.s += affinities[i];
        a.n++;
        affinitySum.set(bucket, a);
      });
      impressions += feed.items.length;
      const events = actions.map((act, n) => {
        const it = feed.items[act.rank - 1];
        const version = it.modelVersion ?? feed.modelVersion;
        const field = act.kind === "click" ? "clicks" : act.kind === "purchase" ? "purchases" : "notInterested";
        byPosition.add(String(offset + act.rank), field);
        byVersion.add(version, field);
        byBucket.add(bucket, field);
        return {
          id: `sim-${step}-${page}-${n}`,
          type: act.kind,
          item_id: it.productId,
          context: { surface: "feed", recommendationId: it.recommendationId, position: offset + act.rank - 1 },
        };
      });
      if (events.length > 0) {
        const res = await fetch(`${o.base}/v1/events`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-session-id": sessionId },
          body: JSON.stringify({ events }),
        });
        const text = await res.text();
        if (res.status !== 200 && res.status !== 207)
          throw new Error(`POST /v1/events answered ${res.status}: ${text.slice(0, 300)}`);
        posted += events.length;
        for (const r of (JSON.parse(text) as { rejected: { code: string }[] }).rejected) {
          rejected[r.code] = (rejected[r.code] ?? 0) + 1;
        }
        return; // something caught the shopper's eye: this step ends here
      }
      cursor = feed.nextCursor;
      if (!cursor) return;
    }
  };

  const progress = createProgress("[simulate]", o.steps * o.shoppers, "shopper-steps", o.log);
  for (let step = 0; step < o.steps; step++) {
    let next = 0;
    const worker = async () => {
      while (next < o.shoppers) await shopperStep(next++, step);
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency, o.shoppers) }, worker));
    await o.onRound?.(step, impressions);
    progress.tick((step + 1) * o.shoppers);
  }
  progress.finish(o.steps * o.shoppers);
  return {
    shoppers: o.shoppers,
    steps: o.steps,
    seed: o.seed,
    pages: o.pages,
    impressions,
    events: { posted, rejected },
    byPosition: byPosition.report(),
    byModelVersion: byVersion.report(),
    byBucket: byBucket.report(),
    meanAffinityByBucket: Object.fromEntries([...affinitySum].map(([k, v]) => [k, v.s / v.n])),
  };
}
