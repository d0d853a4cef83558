/**
 * Position propensities from the logs: a position-based click model (PBM: P(click) = P(examined | position)
 * x P(relevant | item)) fitted by expectation-maximisation (Chuklin et al., "Click Models for Web Search";
 * Wang et al. 2018 use the same EM for unbiased learning to rank). Items are shown at different positions
 * to different people (the ranker orders each feed for its viewer), which is what identifies the position
 * factor from the item factor without randomising the feed.
 *
 * Returned propensities are relative to position 0 (1 there), floored at `minPropensity` so that one lucky
 * click far down the page cannot dominate an inverse-propensity-weighted fit.
 */
export interface ImpressionObservation {
  item: number;
  position: number;
  clicked: boolean;
}

export interface PropensityOptions {
  positions?: number;
  iterations?: number;
  minPropensity?: number;
}

export function estimatePropensities(obs: readonly ImpressionObservation[], o: PropensityOptions = {}): Float64Array {
  const positions = o.positions ?? 60;
  const iterations = o.iterations ?? 5000;
  const floor = o.minPropensity ?? 0.05;
  // Observations aggregated per (item, position) cell: EM needs only the click and no-click counts of each,
  // and converges slowly (hundreds of iterations), so each iteration must be cheap.
  const items = new Map<number, number>();
  const cells = new Map<number, number>();
  const cellItem: number[] = [];
  const cellPos: number[] = [];
  const cellClicks: number[] = [];
  const cellMisses: number[] = [];
  for (const x of obs) {
    let i = items.get(x.item);
    if (i === undefined) items.set(x.item, (i = items.size));
    const k = Math.min(positions - 1, Math.max(0, x.position));
    const key = i * positions + k;
    let c = cells.get(key);
    if (c === undefined) {
      cells.set(key, (c = cellItem.length));
      cellItem.push(i);
      cellPos.push(k);
      cellClicks.push(0);
      cellMisses.push(0);
    }
    if (x.clicked) cellClicks[c]++;
    else cellMisses[c]++;
  }
  const n = cellItem.length;
  const theta = Float64Array.from({ length: positions }, (_, k) => 1 / (1 + k) ** 0.5);
  const gamma = new Float64Array(items.size).fill(0.3);
  const thetaNum = new Float64Array(positions);
  const thetaDen = new Float64Array(positions);
  const gammaNum = new Float64Array(items.size);
  const gammaDen = new Float64Array(items.size);
  for (let c = 0; c < n; c++) {
    thetaDen[cellPos[c]] += cellClicks[c] + cellMisses[c];
    gammaDen[cellItem[c]] += cellClicks[c] + cellMisses[c];
  }
  for (let it = 0; it < iterations; it++) {
    // A click implies examined and relevant; a miss is examined-not-relevant or not examined.
    thetaNum.fill(0);
    gammaNum.fill(0);
    for (let c = 0; c < n; c++) {
      const k = cellPos[c];
      const i = cellItem[c];
      const t = theta[k];
      const g = gamma[i];
      const none = 1 - t * g;
      thetaNum[k] += cellClicks[c] + (none > 0 ? (cellMisses[c] * t * (1 - g)) / none : 0);
      gammaNum[i] += cellClicks[c] + (none > 0 ? (cellMisses[c] * (1 - t) * g) / none : 0);
    }
    let change = 0;
    for (let k = 0; k < positions; k++)
      if (thetaDen[k] > 0) {
        const next = clamp(thetaNum[k] / thetaDen[k]);
        change = Math.max(change, Math.abs(next - theta[k]));
        theta[k] = next;
      }
    for (let i = 0; i < gamma.length; i++) if (gammaDen[i] > 0) gamma[i] = clamp(gammaNum[i] / gammaDen[i]);
    if (change < 1e-7) break;
  }
  // Positions never observed take the nearest observed one above them (propensities only fall down a page).
  const top = theta[0] > 0 && thetaDen[0] > 0 ? theta[0] : 1;
  const out = new Float64Array(positions);
  let last = 1;
  for (let k = 0; k < positions; k++) {
    if (thetaDen[k] > 0) last = Math.min(1, theta[k] / top);
    out[k] = Math.max(floor, last);
  }
  return out;
}

const clamp = (p: number): number => Math.min(1 - 1e-6, Math.max(1e-6, p));
