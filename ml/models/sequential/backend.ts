/** Where a training step's gradient is computed: the calling thread, or worker threads (Node only). */
import type { TouchedRows } from "./backward.js";
import type { StepSpec } from "./engine.js";

export interface GradBackend {
  /** Number of slices a batch is cut into (one per thread). */
  readonly slices: number;
  /** Full gradient buffer (theta layout) the slices' gradients are summed into. */
  readonly grad: Float32Array;
  readonly touched: TouchedRows;
  run(specs: StepSpec[]): Promise<{ loss: number; tokens: number }>;
  close(): Promise<void>;
}
