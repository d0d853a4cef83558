import { describe, expect, it } from "vitest";
import { GradEngine, type SeqStore } from "../../../../ml/models/sequential/engine.js";
import type { LossKind } from "../../../../ml/models/sequential/loss.js";
import { initParams, makeLayout } from "../../../../ml/models/sequential/params.js";

// Central finite differences vs the hand-written backward pass, on a tiny model (float32, so a loose tolerance).
// ReLU kinks make large steps unreliable, float32 makes tiny ones noisy: compare whole vectors,
// ‖num − ana‖ / ‖num + ana‖, the usual robust form.
function check(loss: LossKind): { rel: number; checked: number } {
  const layout = makeLayout({ numItems: 12, dim: 8, blocks: 2, maxLen: 6 });
  const theta = new Float32Array(layout.total);
  initParams(layout, theta, 7, 0.3);
  // give LayerNorm gains/biases non-trivial values so their gradients are exercised
  for (let i = layout.denseStart; i < layout.total; i++) theta[i] += 0.05 * Math.sin(i);
  const seqs = [
    [1, 2, 3, 4, 5],
    [6, 7, 8],
    [9, 10, 11, 0, 1, 2, 3, 4, 5],
  ];
  const offsets = new Int32Array(seqs.length + 1);
  seqs.forEach((s, i) => {
    offsets[i + 1] = offsets[i] + s.length;
  });
  const store: SeqStore = { data: Int32Array.from(seqs.flat()), offsets };
  const grad = new Float32Array(layout.total);
  const engine = new GradEngine(layout, theta, grad, store, { loss, dropout: 0, maxLen: 6 });
  const spec = { seqs: Int32Array.from([0, 1, 2]), negatives: Int32Array.from([3, 9, 0, 7]), norm: 1, seed: 5 };
  const f = (): number =>
    new GradEngine(layout, theta, new Float32Array(layout.total), store, { loss, dropout: 0, maxLen: 6 }).run(spec)
      .loss;
  engine.run(spec);
  const eps = 3e-4;
  let diff = 0;
  let sum = 0;
  let checked = 0;
  for (let i = 0; i < layout.total; i++) {
    const old = theta[i];
    theta[i] = old + eps;
    const lp = f();
    theta[i] = old - eps;
    const lm = f();
    theta[i] = old;
    const num = (lp - lm) / (2 * eps);
    diff += (num - grad[i]) ** 2;
    sum += (num + grad[i]) ** 2;
    checked++;
  }
  return { rel: Math.sqrt(diff / sum), checked };
}

describe("sasrec backward pass", () => {
  it("matches finite differences (sampled softmax)", () => {
    const r = check("softmax");
    expect(r.checked).toBeGreaterThan(500);
    expect(r.rel).toBeLessThan(0.01);
  });
  it("matches finite differences (bce)", () => {
    expect(check("bce").rel).toBeLessThan(0.01);
  });
});
