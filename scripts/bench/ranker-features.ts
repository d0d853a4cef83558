/**
 * Micro-benchmark: the extra CPU the dense ranker features add to one feed request.
 *
 *   tsx scripts/bench/ranker-features.ts [--data ../shared/datasets/sasrec-games/Video.txt] [--cases 300] [--rounds 20]
 *
 * Builds the serving models offline (as train.ts does) and the real candidate lists of `--cases` held-out
 * histories, then times `LinearRanker.rank` over each list with the dense signals (what serving does now:
 * `denseSignals` + `featurize` + logit) and without them (the dense features left 0: the old cost). The
 * difference per request is the extra cost. Rounds alternate the two variants so drift hits both alike;
 * the median round is reported. Single-threaded CPU time (process.cpuUsage, user + system).
 */
import { MemoryVectorIndex } from "../../src/adapters/vector-index/memory.js";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { loadSasrecTxt } from "../../ml/data/sasrec-txt.js";
import { categoryAffinity, denseSignals, type FeatureContext } from "../../src/recsys/feed/features.js";
import { defaultRanker } from "../../src/recsys/feed/rank.js";
import type { Candidate } from "../../src/recsys/feed/candidates.js";
import { buildOfflineModels, candidatesFor, splitForRanker } from "../../src/recsys/ranker/dataset.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const here = dirname(fileURLToPath(import.meta.url));

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main(): Promise<void> {
  const data = arg("data", join(here, "../../../shared/datasets/sasrec-games/Video.txt"));
  const n = Number(arg("cases", "300"));
  const rounds = Number(arg("rounds", "20"));
  const logData = await loadSasrecTxt(data);
  const { train, cases } = splitForRanker(logData.sequences);
  const rows = logData.itemIds.map((id) => ({
    id,
    title: `item ${id}`,
    categoryPath: null,
    price: null,
    rating: null,
    ratingCount: 0,
    createdAt: 0,
    boughtTogether: null,
  }));
  const { models, vectors } = await buildOfflineModels(
    { numItems: logData.itemIds.length, numUsers: logData.userIds.length, sequences: train, itemIds: logData.itemIds },
    rows,
    1,
    () => {},
    new MemoryVectorIndex(),
  );
  const requests: { cands: Candidate[]; history: number[]; affinity: Map<number, number> }[] = [];
  for (const c of cases.slice(0, n)) {
    const history = Array.from(c.history).reverse();
    requests.push({
      cands: (await candidatesFor(models, vectors, c)).cands,
      history,
      affinity: categoryAffinity(models.catalog, history.slice(0, 20)),
    });
  }
  const ranker = defaultRanker();
  const run = (dense: boolean): number => {
    const t0 = cpuMs();
    for (const r of requests) {
      const ctx: FeatureContext = {
        catalog: models.catalog,
        popularity: models.popularity,
        listings: new Map(),
        categoryAffinity: r.affinity,
        now: 0,
      };
      if (dense) ctx.dense = denseSignals(models, r.history);
      ranker.rank(r.cands.slice(), ctx);
    }
    return (cpuMs() - t0) / requests.length;
  };
  for (let w = 0; w < 3; w++) run(w % 2 === 0); // JIT warm-up of both paths
  const withDense: number[] = [];
  const without: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      withDense.push(run(true));
      without.push(run(false));
    } else {
      without.push(run(false));
      withDense.push(run(true));
    }
  }
  const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1];
  const diffs = withDense.map((v, i) => v - without[i]);
  const meanCands = requests.reduce((a, r) => a + r.cands.length, 0) / requests.length;
  console.log(
    JSON.stringify(
      {
        requests: requests.length,
        meanCandidates: Math.round(meanCands),
        rounds,
        rankMsPerRequest: { withDense: median(withDense), withoutDense: median(without) },
        extraMsPerRequest: median(diffs),
        extraMsPer300Candidates: (median(diffs) * 300) / meanCands,
      },
      null,
      2,
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
