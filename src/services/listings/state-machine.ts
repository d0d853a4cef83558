import type { ListingStatus } from "../../db/schema/marketplace";
import { ConflictError } from "../../domain/errors";

/**
 * Listing lifecycle. Sellers move active ⇄ reserved, reserved → sold (sold off-platform), and
 * active/reserved → withdrawn; checkout moves active → sold. sold and withdrawn are final.
 */
const manual: Record<ListingStatus, readonly ListingStatus[]> = {
  active: ["reserved", "withdrawn"],
  reserved: ["active", "sold", "withdrawn"],
  sold: [],
  withdrawn: [],
  // Moderator states: the seller cannot move a listing out of them (src/services/moderation/ does).
  hidden: [],
  removed: [],
};

export const canTransition = (from: ListingStatus, to: ListingStatus): boolean => manual[from].includes(to);

export function assertTransition(from: ListingStatus, to: ListingStatus): void {
  if (!canTransition(from, to)) {
    throw new ConflictError("invalid_transition", `a listing cannot go from ${from} to ${to}`, {
      from,
      to,
      allowed: manual[from],
    });
  }
}

/** Statuses anyone may see; the rest only the seller and admins. */
export const publicStatuses: readonly ListingStatus[] = ["active", "reserved"];
/** Statuses in which price, description, photos and condition may still change. */
export const editableStatuses: readonly ListingStatus[] = ["active", "reserved"];
