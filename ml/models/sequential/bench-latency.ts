/**
 * scoreAll latency for one request (50-item history → scores for every item), wall and CPU time.
 * Weights are random: the cost does not depend on their values, only on the shape.
 *   npx tsx ml/models/sequential/bench-latency.ts [numItems=23715] [dim=64] [blocks=2]
 */
import { initParams, makeLayout } from "./params.js";
import { Rng } from "../../core/rng.js";
import { SasrecRecommender } from "./sasrec.js";

const numItems = Number(process.argv[2] ?? 23715);
const dim = Number(process.argv[3] ?? 64);
const blocks = Number(process.argv[4] ?? 2);
const layout = makeLayout({ numItems, dim, blocks, maxLen: 50 });
const theta = new Float32Array(layout.total);
initParams(layout, theta, 1, 0.1);
const model = SasrecRecommender.load({
  model: "sasrec",
  params: { numItems, dim, blocks, maxLen: 50 },
  blobs: { theta },
  itemIds: [],
});
const rng = new Rng(1);
const wall: number[] = [];
const cpu: number[] = [];
for (let r = 0; r < 1100; r++) {
  const history = Int32Array.from({ length: 50 }, () => rng.int(numItems));
  const c = process.cpuUsage();
  const t = performance.now();
  model.scoreAll({ history });
  const w = performance.now() - t;
  const u = process.cpuUsage(c);
  if (r >= 100) {
    wall.push(w);
    cpu.push((u.user + u.system) / 1000);
  }
}
const q = (xs: number[], p: number): string =>
  [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))].toFixed(2);
console.log(`scoreAll, ${numItems} items, d=${dim}, ${blocks} blocks, 50-item history, 1000 requests:`);
console.log(`  wall p50 ${q(wall, 0.5)} ms p99 ${q(wall, 0.99)} ms | cpu p50 ${q(cpu, 0.5)} ms p99 ${q(cpu, 0.99)} ms`);
