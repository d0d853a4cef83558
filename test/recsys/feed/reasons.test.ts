import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeSources, SOURCES, type Candidate, type SourceResult } from "../../../src/recsys/feed/candidates";
import { DEFAULT_BUDGETS, FEED_SOURCES } from "../../../src/recsys/feed/feed-service";
import { leadSource, reasonFor } from "../../../src/recsys/feed/reasons";
import { boughtTogetherSource } from "../../../src/recsys/feed/recall/bought-together";
import { covisitationSource } from "../../../src/recsys/feed/recall/covisitation";
import { sessionKnnSource } from "../../../src/recsys/feed/recall/session-knn";
import { strongestHistoryTerm, vectorSource } from "../../../src/recsys/feed/recall/vector";
import type { History } from "../../../src/recsys/history";
import type { ServingModels } from "../../../src/recsys/models/serving-models";
import type { TestApp } from "../../helpers/app";
import { createUser, json } from "../../helpers/auth";
import { pid, postEvents, recsysAppWithFeed, sid, views, type FeedBody } from "../fixtures";

let t: TestApp;
let m: ServingModels;
const idx = (id: string): number => m.catalog.indexOf.get(id) as number;

beforeAll(async () => {
  // Generous budgets: a source late under load would only hide some kinds of reason from the checks.
  const budgets = Object.fromEntries(
    Object.entries(DEFAULT_BUDGETS).map(([name, b]) => [name, { ...b, timeoutMs: 5000 }]),
  );
  t = await recsysAppWithFeed({ budgets });
  m = t.deps.recsys.models;
});
afterAll(() => t.cleanup());

const covisNeighbours = (a: number): Set<number> => {
  const out = new Set<number>();
  m.covis.forEach(a, 1000, (b) => void out.add(b));
  return out;
};
const dot = (a: number, b: number): number => {
  const v = m.vectors!;
  let s = 0;
  for (let f = 0; f < v.dim; f++) s += v.context[a * v.dim + f] * v.items[b * v.dim + f];
  return s;
};
const byTitle = (title: string): number[] => m.catalog.titles.flatMap((x, i) => (x === title ? [i] : []));

/**
 * The claim a reason makes, checked against the models and the history it was recalled from. `sources` are
 * the sources that recalled the item (what the API returns); `history` the items the caller's history held.
 */
const kindsSeen = new Set<string>();
function checkReason(reason: string, item: number, sources: readonly string[], history: readonly number[]): void {
  kindsSeen.add(reason.replace(/ (viewed|to|with|in) .*$/, " $1 …"));
  const named = (prefix: string): number => {
    const title = reason.slice(prefix.length);
    const anchors = byTitle(title).filter((a) => history.includes(a));
    expect(anchors, `"${reason}" names an item of the history`).toHaveLength(1);
    return anchors[0];
  };
  const msg = `${m.catalog.ids[item]}: "${reason}" (sources ${sources.join(",")})`;
  if (reason.startsWith("Because you viewed ")) {
    expect(sources, msg).toContain("covisitation");
    expect(covisNeighbours(named("Because you viewed ")).has(item), msg).toBe(true);
  } else if (reason.startsWith("Similar to ")) {
    expect(sources, msg).toContain("vector");
    expect(dot(named("Similar to "), item), msg).toBeGreaterThan(0);
  } else if (reason.startsWith("Often bought together with ")) {
    expect(sources, msg).toContain("bought_together");
    expect(m.catalog.boughtTogether.get(named("Often bought together with ")), msg).toContain(item);
  } else if (reason === "Picked for you") {
    // A vector hit with no positive term for any history item, and no other source: nothing more to name.
    expect(sources, msg).toEqual(["vector"]);
  } else if (reason === "Viewed in sessions like yours") {
    expect(sources, msg).toContain("session_knn");
  } else if (reason.startsWith("Trending in ")) {
    expect(sources, msg).toContain("trending");
    expect(reason, msg).toBe(`Trending in ${m.catalog.categoryName(item)}`);
  } else if (reason.startsWith("Just listed in ")) {
    expect(sources, msg).toContain("fresh");
  } else {
    throw new Error(`unexpected reason ${msg}`);
  }
}

describe("mergeSources provenance", () => {
  const result = (source: SourceResult["source"], items: number[], anchors: number[]): SourceResult => ({
    source,
    items: Int32Array.from(items),
    scores: Float32Array.from(items, () => 1),
    anchors: Int32Array.from(anchors),
  });

  it("keeps each source's anchor and gives the reason only the lead source's", () => {
    // Item 7 leads in trending (rank 0) and was also a far vector hit anchored on history item 3: the
    // reason must not borrow item 3 (the "memory card because you viewed a Chromebook" bug).
    const [c] = mergeSources([result("vector", [1, 2, 7], [3, 3, 3]), result("trending", [7], [-1])]).filter(
      (x) => x.item === 7,
    );
    expect(c.anchors).toEqual([3, -1, -1, -1, -1, -1]);
    expect(leadSource(c)).toBe("trending");
    expect(c.anchor).toBe(-1);
    expect(c.anchorSource).toBeNull();
    expect(reasonFor(c, m.catalog)).toBe(`Trending in ${m.catalog.categoryName(7)}`);
  });

  it("names the lead neighbour source's own history item", () => {
    const cands = mergeSources([result("covisitation", [5], [4]), result("bought_together", [9, 5], [2, 2])]);
    const c5 = cands.find((c) => c.item === 5) as Candidate;
    expect(c5).toMatchObject({ anchor: 4, anchorSource: "covisitation" });
    expect(reasonFor(c5, m.catalog)).toBe(`Because you viewed ${m.catalog.titles[4]}`);
    const c9 = cands.find((c) => c.item === 9) as Candidate;
    expect(reasonFor(c9, m.catalog)).toBe(`Often bought together with ${m.catalog.titles[2]}`);
  });
});

describe("recall sources report true provenance", () => {
  const history = [pid(1, 4), pid(0, 2), pid(3, 7)];
  const ctx = () => ({
    models: m,
    vectors: t.deps.vectors,
    marketplace: t.deps.recsys.o.marketplace,
    history: history.map(idx),
    exclude: new Set(history.map(idx)),
    affinity: new Map<number, number>(),
    now: Date.now(),
    signal: new AbortController().signal,
  });

  it("vector hits are anchored on the history item with the largest term of their score, not the newest one", async () => {
    const r = await vectorSource.run(ctx(), 30);
    expect(r.items.length).toBeGreaterThan(0);
    const anchors = new Set(r.anchors);
    expect(anchors.size, "several interests, several anchors").toBeGreaterThan(1);
    r.items.forEach((item, j) => {
      expect(r.anchors?.[j]).toBe(strongestHistoryTerm(m.vectors!, ctx().history, undefined, item));
      if (r.anchors![j] >= 0) expect(dot(r.anchors![j], item)).toBeGreaterThan(0);
    });
  });

  it("session kNN names no history item; co-visitation and bought-together name the neighbour they came from", async () => {
    const sknn = await sessionKnnSource.run(ctx(), 20);
    expect(Array.from(sknn.anchors ?? [])).toEqual(new Array(sknn.items.length).fill(-1));
    const cv = await covisitationSource.run(ctx(), 30);
    cv.items.forEach((item, j) => {
      expect(covisNeighbours(cv.anchors![j]).has(item)).toBe(true);
    });
    const bt = await boughtTogetherSource.run({ ...ctx(), history: [idx(pid(0, 2))] }, 10);
    bt.items.forEach((item, j) => {
      expect(m.catalog.boughtTogether.get(bt.anchors![j])).toContain(item);
    });
  });
});

describe("every reason matches the candidate's provenance", () => {
  const histories = [
    [pid(0, 1), pid(0, 2)],
    [pid(2, 5), pid(2, 6), pid(2, 7)],
    [pid(1, 4), pid(0, 2), pid(3, 7), pid(2, 1)], // mixed interests: anchors must not all be the newest item
  ];

  it("for every ranked candidate of the feed's recall (all sources)", async () => {
    for (const h of histories) {
      const history: History = { items: h.map(idx), negative: new Set(), bought: new Set(), personalised: true };
      const { ranked } = await t.deps.recsys.feed.candidates(
        m,
        { userId: null, sessionId: "prov-sess-01" },
        history,
        FEED_SOURCES,
      );
      expect(ranked.length).toBeGreaterThan(10);
      for (const c of ranked) {
        const lead = leadSource(c);
        expect(c.anchorSource === null || c.anchorSource === lead).toBe(true);
        checkReason(
          reasonFor(c, m.catalog),
          c.item,
          SOURCES.filter((_, k) => c.ranks[k] >= 0),
          history.items,
        );
      }
    }
  });

  it("through the API: feed pages, session and product recommendations", async () => {
    const user = await createUser(t);
    let n = 0;
    for (const h of histories) {
      const headers = { ...user.headers, "x-session-id": sid(800 + n++) };
      // A user whose session is fresh: the history is the session's views (the user's stream adds the
      // previous histories' views, which are part of the history too).
      await postEvents(t, headers, views(h, `p${n}`));
      const history = histories.slice(0, n).flat().map(idx);
      const page1 = await json<FeedBody>(await t.app.request("/v1/feed?limit=20", { headers }));
      const page2 = await json<FeedBody>(
        await t.app.request(`/v1/feed?limit=20&cursor=${page1.nextCursor}`, { headers }),
      );
      const session = await json<FeedBody>(await t.app.request("/v1/recommendations/session?limit=20", { headers }));
      const product = await json<FeedBody>(
        await t.app.request(`/v1/products/${h[0]}/recommendations?limit=20`, { headers }),
      );
      const all = [...page1.items, ...page2.items, ...session.items];
      expect(all.length).toBeGreaterThan(20);
      for (const i of all) checkReason(i.reason, idx(i.productId), i.sources, history);
      // Product page: the product leads the history, the session follows.
      for (const i of product.items) checkReason(i.reason, idx(i.productId), i.sources, [idx(h[0]), ...history]);
      expect(product.items.length).toBeGreaterThan(0);
    }
    // The check ran over every kind of claim, the history-naming ones included.
    expect([...kindsSeen].sort()).toEqual(
      expect.arrayContaining(["Because you viewed …", "Often bought together with …", "Similar to …", "Trending in …"]),
    );
  });
});
