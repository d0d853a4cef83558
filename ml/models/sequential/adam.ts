/**
 * Adam. Item-embedding rows are updated lazily (only rows that got gradient this step), which keeps
 * the step cost proportional to the batch rather than the 1.2M-float catalogue; the small dense
 * part is updated every step. Zeroes the gradient it consumed.
 */
import type { TouchedRows } from "./backward.js";
import type { Layout } from "./params.js";

export class Adam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;
  constructor(
    size: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.98,
    private readonly eps = 1e-9,
  ) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  /** embLr: item embeddings get their own rate (they see a handful of updates per epoch each). */
  /** weightDecay: decoupled (AdamW) decay, theta -= lr · weightDecay · theta, on the rows updated this step. */
  step(
    layout: Layout,
    theta: Float32Array,
    grad: Float32Array,
    touched: TouchedRows,
    lr: number,
    embLr = lr,
    weightDecay = 0,
  ): void {
    this.t++;
    const c1 = 1 / (1 - this.beta1 ** this.t);
    const c2 = 1 / (1 - this.beta2 ** this.t);
    const d = layout.shape.dim;
    for (let r = 0; r < touched.count; r++) {
      const off = layout.itemEmb + touched.list[r] * d;
      this.range(theta, grad, off, off + d, embLr, c1, c2, 1 - embLr * weightDecay);
    }
    touched.clear();
    this.range(theta, grad, layout.denseStart, layout.total, lr, c1, c2, 1 - lr * weightDecay);
  }

  private range(
    theta: Float32Array,
    grad: Float32Array,
    from: number,
    to: number,
    lr: number,
    c1: number,
    c2: number,
    keep: number,
  ): void {
    const { m, v, beta1, beta2, eps } = this;
    for (let i = from; i < to; i++) {
      const g = grad[i];
      grad[i] = 0;
      const mi = (m[i] = beta1 * m[i] + (1 - beta1) * g);
      const vi = (v[i] = beta2 * v[i] + (1 - beta2) * g * g);
      theta[i] = keep * theta[i] - (lr * mi * c1) / (Math.sqrt(vi * c2) + eps);
    }
  }
}
