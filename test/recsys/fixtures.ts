import { createTestApp, type TestApp } from "../helpers/app";
import { insertProducts, type FixtureProduct } from "../helpers/catalog-fixtures";
import type { AppDeps } from "../../src/context";
import { createApp } from "../../src/app";
import { buildServingDeps } from "../../src/deps/serving";

/**
 * Demo-like data with known structure: 4 categories x 12 products; 160 reviewers, each browsing one
 * "home" category in a fixed order (item k then k+1 ...), so co-visitation and session kNN have real
 * signal and users of different categories must get different feeds.
 */
export const CATEGORIES = ["Headphones", "Camera & Photo", "Laptops", "Cell Phones"] as const;
export const PREFIX = ["HP", "CA", "LA", "PH"] as const;
export const PER_CATEGORY = 12;
export const NOW = Date.UTC(2026, 0, 1);

export const pid = (cat: number, k: number): string => `${PREFIX[cat]}-${String(k % PER_CATEGORY).padStart(2, "0")}`;

export function products(): FixtureProduct[] {
  const out: FixtureProduct[] = [];
  CATEGORIES.forEach((name, c) => {
    for (let k = 0; k < PER_CATEGORY; k++) {
      out.push({
        parentAsin: pid(c, k),
        title: `${name} item ${k}`,
        categories: ["Electronics", name],
        price: 50 + 10 * k,
        averageRating: 3.5 + (k % 3) * 0.5,
        ratingNumber: 100 + k,
      });
    }
  });
  return out;
}

export async function seedRecsysData(t: TestApp, reviewers = 160): Promise<void> {
  await insertProducts(t.db, products());
  // Bought-together: each headphone with the next one (gives the bought_together source something).
  const stmts = [];
  for (let k = 0; k < PER_CATEGORY; k++)
    stmts.push({
      sql: "UPDATE products SET bought_together = ? WHERE parent_asin = ?",
      args: [JSON.stringify([pid(0, k + 5)]), pid(0, k)],
    });
  const base = NOW - 20 * 86_400_000;
  for (let r = 0; r < reviewers; r++) {
    const c = r % 4;
    const start = Math.floor(r / 4) % PER_CATEGORY;
    for (let j = 0; j < 6; j++) {
      stmts.push({
        sql: "INSERT INTO reviews (user_id, parent_asin, rating, timestamp, helpful_vote) VALUES (?, ?, 5, ?, 0)",
        args: [`R${r}`, pid(c, start + j), base + r * 60_000 + j * 1000],
      });
    }
  }
  await t.db.$client.batch(stmts, "write");
}

/** A test app over the seeded data with its models trained in-process and registered (the embedded path). */
export async function recsysApp(overrides: Partial<AppDeps> = {}): Promise<TestApp> {
  const t = await createTestApp(overrides);
  await seedRecsysData(t);
  await t.deps.recsys.start(t.db, { trainMissing: true, seed: 7 });
  return t;
}

export interface FeedBody {
  items: {
    productId: string;
    recommendationId: string;
    reason: string;
    sources: string[];
    category: string;
    listing: { id: string; sellerId: string } | null;
  }[];
  nextCursor: string | null;
  snapshotId: string;
  modelVersion: string;
  degraded: boolean;
  sources: { used: string[]; failed: { source: string; reason: string }[] };
  filtered: Record<string, number>;
}

export const sid = (n: number | string): string => `sess-${String(n).padStart(6, "0")}`;

/** Posts events as an anonymous browser session. */
export async function postEvents(t: TestApp, headers: Record<string, string>, events: unknown[]): Promise<Response> {
  return t.app.request("/v1/events", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ events }),
  });
}

export const views = (items: string[], prefix = "e"): { id: string; type: string; item_id: string; ts: number }[] =>
  items.map((item, j) => ({ id: `${prefix}-${j}`, type: "view", item_id: item, ts: NOW - 60_000 + j * 1000 }));

/** Like recsysApp, but the Recsys holder gets custom feed options (sources, budgets). */
export async function recsysAppWithFeed(
  feed: NonNullable<Parameters<typeof buildServingDeps>[0]["feed"]>,
): Promise<TestApp> {
  const t = await createTestApp();
  const recsys = buildServingDeps({ ...t.deps, feed }).recsys;
  const deps = { ...t.deps, recsys };
  await seedRecsysData(t);
  await recsys.start(t.db, { trainMissing: true, seed: 7 });
  return { ...t, deps, app: createApp(deps) };
}
