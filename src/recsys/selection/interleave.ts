/** Which version put an item in an experiment's list. */
export type Arm = "champion" | "challenger";

export interface Interleaved<T> {
  items: T[];
  arms: Arm[];
}

/**
 * Team-draft interleaving with a biased coin: for every slot, the challenger's team picks with probability
 * `share` (the bandit's allocation), otherwise the champion's; the team picking contributes its best item not
 * already in the list and is credited with it. Because the team of a slot is drawn independently of the
 * slot's position, both teams' items meet the same position bias, so clicks per item shown compare the two
 * rankings without a position correction; with `share` = 0.5 it is classic team-draft. Both rankings are
 * shown to the same person in the same list, which removes the between-user variance a split A/B test pays.
 * A team that has run out of items yields its slot to the other.
 */
export function interleave<T>(
  champion: readonly T[],
  challenger: readonly T[],
  keyOf: (t: T) => string | number,
  share: number,
  random: () => number,
  limit: number,
): Interleaved<T> {
  const taken = new Set<string | number>();
  const out: Interleaved<T> = { items: [], arms: [] };
  let a = 0;
  let b = 0;
  const next = (list: readonly T[], at: number): number => {
    let i = at;
    while (i < list.length && taken.has(keyOf(list[i]))) i++;
    return i;
  };
  while (out.items.length < limit) {
    a = next(champion, a);
    b = next(challenger, b);
    const aLeft = a < champion.length;
    const bLeft = b < challenger.length;
    if (!aLeft && !bLeft) break;
    const useChallenger = bLeft && (!aLeft || random() < share);
    const item = useChallenger ? challenger[b++] : champion[a++];
    taken.add(keyOf(item));
    out.items.push(item);
    out.arms.push(useChallenger ? "challenger" : "champion");
  }
  return out;
}

/** A small seeded generator (mulberry32) so a snapshot's interleaving is reproducible in tests. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
