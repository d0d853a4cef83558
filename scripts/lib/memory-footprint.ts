/**
 * Where a serving process's memory goes, as far as JavaScript can see it (scripts/bench/rss.ts reads this
 * from the bench server child): process.memoryUsage, V8's heap limits and, per component of the serving
 * models, the bytes of the typed arrays it holds (ArrayBuffers are outside the V8 heap: they are most of
 * `arrayBuffers`) and an estimate of its JS objects (Map entries, strings, arrays of numbers).
 */
import { getHeapStatistics } from "node:v8";

export interface ComponentFootprint {
  /** Bytes of the distinct ArrayBuffers its typed arrays view. */
  typedArrayBytes: number;
  /** JS-heap entries reached (array elements, Map/Set entries, object fields): an order of magnitude, not bytes. */
  jsEntries: number;
}

/** Typed-array bytes and JS entries reachable from `root`, each buffer counted once across all calls sharing `seen`. */
export function footprint(root: unknown, seen = new Set<unknown>()): ComponentFootprint {
  const out = { typedArrayBytes: 0, jsEntries: 0 };
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object" || seen.has(v)) continue;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      if (!seen.has(v.buffer)) {
        seen.add(v.buffer);
        out.typedArrayBytes += v.buffer.byteLength;
      }
      continue;
    }
    if (v instanceof ArrayBuffer) {
      out.typedArrayBytes += v.byteLength;
      continue;
    }
    if (v instanceof Map) {
      out.jsEntries += v.size;
      for (const [k, x] of v) stack.push(k, x);
      continue;
    }
    if (v instanceof Set) {
      out.jsEntries += v.size;
      for (const x of v) stack.push(x);
      continue;
    }
    if (Array.isArray(v)) {
      out.jsEntries += v.length;
      for (const x of v) if (x !== null && typeof x === "object") stack.push(x);
      continue;
    }
    for (const x of Object.values(v)) {
      out.jsEntries++;
      if (x !== null && typeof x === "object") stack.push(x);
    }
  }
  return out;
}

/** Per top-level field of `models` (catalog, covis, sknn, vectors, …), shared buffers counted at their first field. */
export function componentFootprints(models: object): Record<string, ComponentFootprint> {
  const seen = new Set<unknown>();
  return Object.fromEntries(Object.entries(models).map(([k, v]) => [k, footprint(v, seen)]));
}

export function processMemory() {
  const m = process.memoryUsage();
  const h = getHeapStatistics();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    heapLimit: h.heap_size_limit,
    mallocedMemory: h.malloced_memory,
  };
}
