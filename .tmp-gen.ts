import fc from "fast-check";
import { readFileSync } from "node:fs";
import { operationsOf } from "./scripts/lib/fuzz/run";
import { SchemaArbitraries } from "./scripts/lib/fuzz/values";
const doc = JSON.parse(readFileSync("/tmp/sec-openapi.json", "utf8"));
const ops = operationsOf(doc);
const gen = new SchemaArbitraries(doc.components?.schemas ?? {}, {});
for (const op of ops) {
  const t0 = performance.now();
  const arbs = op.parameters.map((p: any) => gen.of(p.schema ?? { type: "string" }, p.name));
  if (op.body) arbs.push(gen.of(op.body, "body"));
  fc.sample(fc.tuple(...arbs), { seed: 1, numRuns: 100 });
  const ms = performance.now() - t0;
  if (ms > 50) console.log(op.method, op.path, ms.toFixed(0), "ms /100");
}
