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
  const iterations = o.iterations ?? 100;
  const floor = o.minPropensity ?? 0.05;
  const items = new Map<number, number>();
  for (const x of obs) if (!items.has(x.item)) items.set(x.item, items.size);
  const theta = Float64Array.from({ length: positions }, (_, k) => 1 / (1 + k) ** 0.5);
  const gamma = new Float64Array(items.size).fill(0.3);
  const thetaNum = new Float64Array(positions);
  const thetaDen = new Float64Array(positions);
  const gammaNum = new Float64Array(items.size);
  const gammaDen = new Float64Array(items.size);
  const pos = (k: number): number => Math.min(positions - 1, Math.max(0, k));
  for (let it = 0; it < iterations; it++) {
    thetaNum.fill(0);
    thetaDen.fill(0);
    gammaNum.fill(0);
    gammaDen.fill(0);
    for (const x of obs) {
      const k = pos(x.position);
      const i = items.get(x.item) ?? 0;
      const t = theta[k];
      const g = gamma[i];
      // Posterior of "examined" and of "relevant" given the observed click (a click implies both).
      let examined = 1;
      let relevant = 1;
      if (!x.clicked) {
        const none = 1 - t * g;
        examined = none > 0 ? (t * (1 - g)) / none : 0;
        relevant = none > 0 ? ((1 - t) * g) / none : 0;
      }
      thetaNum[k] += examined;
      thetaDen[k] += 1;
      gammaNum[i] += relevant;
      gammaDen[i] += 1;
    }
    for (let k = 0; k < positions; k++) if (thetaDen[k] > 0) theta[k] = clamp(thetaNum[k] / thetaDen[k]);
    for (let i = 0; i < gamma.length; i++) if (gammaDen[i] > 0) gamma[i] = clamp(gammaNum[i] / gammaDen[i]);
  }
  // Positions never observed take the nearest observed one above them (propensities only fall down a page).
  const seen = new Uint8Array(positions);
  for (const x of obs) seen[pos(x.position)] = 1;
  const top = theta[0] > 0 ? theta[0] : 1;
  const out = new Float64Array(positions);
  let last = 1;
  for (let k = 0; k < positions; k++) {
    if (seen[k]) last = Math.min(1, theta[k] / top);
    out[k] = Math.max(floor, last);
  }
  return out;
}

const clamp = (p: number): number => Math.min(1 - 1e-6, Math.max(1e-6, p));
