/**
 * Counting what simulated shoppers did with what they were shown: impressions, clicks, purchases and
 * not-interested per feed position, per model version and per time bucket, with Wilson 95% intervals on the
 * rates (binomial proportions that are often near 0, where mean ± 1.96·se misbehaves).
 */
export interface Rate {
  rate: number;
  lo: number;
  hi: number;
}

/** Wilson score interval of k successes in n trials (95%). */
export function wilson(k: number, n: number, z = 1.96): Rate {
  if (n === 0) return { rate: Number.NaN, lo: Number.NaN, hi: Number.NaN };
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { rate: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

export interface Counts {
  impressions: number;
  clicks: number;
  purchases: number;
  notInterested: number;
}

export interface CountsReport extends Counts {
  ctr: Rate;
  purchaseRate: Rate;
}

const empty = (): Counts => ({ impressions: 0, clicks: 0, purchases: 0, notInterested: 0 });

export class OutcomeTable {
  private readonly rows = new Map<string, Counts>();

  private row(key: string): Counts {
    let r = this.rows.get(key);
    if (!r) this.rows.set(key, (r = empty()));
    return r;
  }

  add(key: string, field: keyof Counts, n = 1): void {
    this.row(key)[field] += n;
  }

  report(): Record<string, CountsReport> {
    const out: Record<string, CountsReport> = {};
    for (const [k, c] of this.rows) {
      out[k] = { ...c, ctr: wilson(c.clicks, c.impressions), purchaseRate: wilson(c.purchases, c.impressions) };
    }
    return out;
  }
}
