import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelRegistry } from "../../src/ports/model-registry";
import {
  offlinePanel,
  onlinePanel,
  realisedShare,
  timeRange,
  trafficPanel,
} from "../../src/web/pages/admin/model-history";
import { modelAdminFor } from "../../src/routes/v1/admin-models";
import { createTestApp, type TestApp } from "../helpers/app";
import { createUser, type TestUser } from "../helpers/auth";
import { seedModelHistory } from "./model-history-fixture";

/**
 * The admin models page over six days of stored selection history: traffic shares, online CTR with intervals
 * per experiment and offline metrics per version as time series, the decision log with its numbers, pin and
 * roll back. The charts are the same numbers GET /v1/admin/models returns.
 */

const ORIGIN = "http://localhost";
const NOW = Date.UTC(2026, 11, 7, 12);
let clock = NOW;
let t: TestApp;
let admin: TestUser;
let versions: string[];

beforeAll(async () => {
  t = await createTestApp({ clock: () => clock });
  admin = await createUser(t, "admin");
  versions = await seedModelHistory({
    db: t.db,
    registry: t.deps.recsys.o.registry as ModelRegistry,
    setClock: (ms) => {
      clock = ms;
    },
    now: NOW,
  });
});
afterAll(() => t?.cleanup());

const page = async () => {
  const res = await t.app.request(`${ORIGIN}/admin/models`, { headers: { cookie: admin.cookie } });
  expect(res.status).toBe(200);
  const html = await res.text();
  const start = html.indexOf('data-model="ranker"');
  return { html, ranker: html.slice(start, html.indexOf("</article>", start)) };
};

describe("admin models page", () => {
  it("draws traffic, online CTR and offline metrics for the ranker as time series over the same days", async () => {
    const { ranker } = await page();
    const charts = [...ranker.matchAll(/<svg [^>]*role="img" aria-labelledby="([^"]+)"/g)].map((m) => m[1]);
    expect(charts).toEqual([
      "m-ranker-traffic-t m-ranker-traffic-d",
      "m-ranker-traffic-n-t m-ranker-traffic-n-d",
      "m-ranker-online-t m-ranker-online-d",
      "m-ranker-online-n-t m-ranker-online-n-d",
      "m-ranker-offline-t m-ranker-offline-d",
      "m-ranker-offline-n-t m-ranker-offline-n-d",
    ]);
    // Each chart is drawn wide and narrow (for phones); the wide ones share day ticks along the six days.
    const wide = ranker
      .split('<div class="chart-wide">')
      .slice(1)
      .map((x) => x.slice(0, x.indexOf("</svg>")));
    expect(wide).toHaveLength(3);
    for (const day of ["Dec 2", "Dec 4", "Dec 6"]) for (const w of wide) expect(w).toContain(`>${day}</text>`);
    // Traffic: the running experiment's realised split (1800 of 5900 shown items), the promoted one's (3700/8900).
    expect(ranker).toContain(`${versions[3]} (challenger): 30.5% of shown items`);
    expect(ranker).toContain(`${versions[1]} (challenger): 41.6% of shown items`);
    // Online CTR: one span per arm and experiment, each with its interval.
    const spans = [
      ...ranker.matchAll(
        /<title>(challenge|guard) (\w+), (champion|challenger) [^<]*CTR ([\d.]+)% \(95% ([\d.]+)%–([\d.]+)%\)/g,
      ),
    ];
    expect(spans).toHaveLength(16); // 4 experiments × 2 arms, in both drawings
    for (const s of spans) {
      const [est, lo, hi] = [Number(s[4]), Number(s[5]), Number(s[6])];
      expect(lo).toBeLessThan(est);
      expect(hi).toBeGreaterThan(est);
    }
    expect(spans.find((s) => s[2] === "running" && s[3] === "challenger")?.[4]).toBe("6.9");
    // Offline: both metrics for the four versions, the live one marked.
    expect(ranker).toContain(`${versions[3]}: ndcg@10 0.0940`);
    expect(ranker).toContain(`${versions[0]}: hr@10 0.1420`);
    expect(ranker).toContain(`<title>live: ${versions[1]}</title>`);
    // Decisions on the timelines.
    expect(ranker).toMatch(/<title>promoted [^<]*: challenger better with P 0.98<\/title>/);
  });

  it("lists the experiments and the decision log with their numbers", async () => {
    const { html, ranker } = await page();
    expect(ranker).toContain("Experiments (4)");
    expect(ranker).toContain("challenge, running");
    const log = html.slice(html.indexOf("<h2>Decision log</h2>"));
    expect(log).toMatch(/rejected<\/td>.*CTR 6.1% vs 4.\d% · P\(better\) 0.0\d/s);
    expect(log).toMatch(/promoted<\/td>.*CTR 5% vs 6.3% · P\(better\) 0.9\d/s);
  });

  it("the charts' numbers are those of GET /v1/admin/models", async () => {
    const o = await modelAdminFor(t.deps).overview({ versions: 20, experiments: 40, decisions: 50 });
    const res = await t.app.request(`${ORIGIN}/v1/admin/models`, { headers: admin.headers });
    expect(res.status).toBe(200);
    expect(JSON.parse(JSON.stringify(o))).toEqual(await res.json());
    const m = o.models.find((x) => x.model === "ranker")!;
    const exps = o.experiments.filter((e) => e.model === "ranker");
    const ds = o.decisions.filter((d) => d.model === "ranker");
    const range = timeRange(m, exps, ds, NOW);
    expect(range).toEqual({ min: NOW - 6 * 86_400_000, max: NOW });
    const online = onlinePanel(exps, ds, range, NOW)!;
    const running = exps.find((e) => e.status === "running")!;
    expect(online.spans!.find((s) => s.x0 === running.startedAt && s.colour === "#D55E00")).toMatchObject({
      x1: NOW,
      y: running.arms.challenger.ctr.estimate,
      lo: running.arms.challenger.ctr.lo,
      hi: running.arms.challenger.ctr.hi,
    });
    const traffic = trafficPanel(m, exps, ds, range, NOW);
    expect(traffic.steps!.xs[0]).toBe(range.min);
    expect(traffic.steps!.layers[1]!.values.at(-1)).toBeCloseTo(realisedShare(running), 9);
    expect(offlinePanel(m, range)!.lines!.map((l) => l.points.length)).toEqual([4, 4]);
  });

  it("pins from the page: the ranker goes live on the chosen version and the decision is logged", async () => {
    const form = new URLSearchParams({ version: versions[0]!, reason: "hold the baseline during the sale" });
    const res = await t.app.request(`${ORIGIN}/admin/models/ranker/pin`, {
      method: "POST",
      headers: { origin: ORIGIN, cookie: admin.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get("location")!, ORIGIN).searchParams.get("ok")).toBe(
      `ranker pinned to ${versions[0]}.`,
    );
    const { html, ranker } = await page();
    expect(ranker).toContain(`<strong data-live="true">${versions[0]}</strong>`);
    expect(ranker).toContain("Unpin");
    expect(html.slice(html.indexOf("<h2>Decision log</h2>"))).toMatch(/<td>pinned<\/td>/);
    // The running experiment was ended by the pin: the traffic is all on the pinned version now.
    expect(ranker).toContain(`all on ${versions[0]}`);
    const back = await t.app.request(`${ORIGIN}/admin/models/ranker/rollback`, {
      method: "POST",
      headers: { origin: ORIGIN, cookie: admin.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ version: versions[1]!, reason: "" }).toString(),
    });
    expect(new URL(back.headers.get("location")!, ORIGIN).searchParams.get("error")).toBe(
      "Give a reason for the rollback.",
    );
  });

  it("is for admins only", async () => {
    const seller = await createUser(t, "seller");
    const res = await t.app.request(`${ORIGIN}/admin/models`, { headers: { cookie: seller.cookie } });
    expect(res.status).toBe(403);
  });
});
