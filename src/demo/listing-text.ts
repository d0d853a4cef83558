import type { ConditionGrade } from "../db/schema/marketplace";
import { Prng } from "./prng";

const BY_CONDITION: Record<ConditionGrade, readonly string[]> = {
  new_open_box: [
    "Opened to check the contents, never used.",
    "Open box: unused, all original packaging and accessories.",
    "Bought as a gift that was never needed; box opened, item untouched.",
  ],
  like_new: [
    "Used for a few weeks, no visible wear.",
    "Like new: no scratches, works perfectly.",
    "Barely used and kept in a case since day one.",
  ],
  good: [
    "Light signs of use, a couple of small scuffs, fully working.",
    "Used for about a year; minor cosmetic marks, no functional issues.",
    "Good condition: some wear on the edges, everything works.",
  ],
  fair: [
    "Visible scratches and wear, but it works as it should.",
    "Well used: cosmetic damage on the casing, tested and working.",
    "Fair condition, priced accordingly; works fine.",
  ],
  for_parts: [
    "For parts or repair: does not power on.",
    "Sold as is for parts; screen cracked, other parts fine.",
    "Not working, for spares or repair only.",
  ],
};
const EXTRAS: readonly string[] = [
  "Original box included.",
  "Charger included.",
  "No original box.",
  "Factory reset and ready to go.",
  "Ships within 2 business days.",
  "Smoke-free home.",
  "Cleaned and tested before listing.",
  "Happy to answer questions.",
];

/** A used listing's description: varied, matching its condition, seeded by (seller, product) so it is stable. */
export function listingDescription(
  seed: number,
  seller: number,
  productIndex: number,
  condition: ConditionGrade,
): string {
  const rng = new Prng(seed, 0x1157, seller, productIndex);
  const extras = rng.sample(EXTRAS, rng.int(0, 2));
  return [rng.pick(BY_CONDITION[condition]), ...extras].join(" ");
}
