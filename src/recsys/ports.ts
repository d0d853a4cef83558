/**
 * What recsys serving needs from other parts of the system, as small local interfaces. Accounts
 * (EventLog, listings, orders, principal) and the ML registry are being written in parallel; these
 * types are the contract serving codes against, and each has one adapter in this folder that binds it
 * to what exists today (see docs/recsys.md, "Integration points").
 */
import type { ModelArtifact } from "../../ml/core/recommender.js";

/** Event kinds accepted by POST /v1/events (`impression` is written by the feed itself). */
export const EVENT_TYPES = [
  "view",
  "click",
  "cart",
  "favorite",
  "purchase",
  "not_interested",
  "hide",
  "dislike",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type LoggedEventType = EventType | "impression";

/** One event as serving writes it to the event log. */
export interface EventRecord {
  /** Client-chosen id; (actor, clientEventId) is the idempotency key. */
  clientEventId: string;
  type: LoggedEventType;
  /** Catalog product (parent_asin); resolved from the listing when only a listing id was sent. */
  itemId: string | null;
  listingId: string | null;
  userId: string | null;
  sessionId: string | null;
  /** Unix ms when it happened (client time, clamped to the server's clock). */
  ts: number;
  context: Record<string, unknown> | null;
}

export interface AppendResult {
  /** clientEventIds written now. */
  inserted: string[];
  /** clientEventIds already present (idempotent replays). */
  duplicates: string[];
}

/** A logged event with the log's own sequence number (monotonic), for incremental model updates. */
export interface StoredEvent extends EventRecord {
  seq: number;
}

/** Expected shape of the accounts team's EventLog service (src/services/events/). */
export interface EventLogPort {
  append(events: readonly EventRecord[]): Promise<AppendResult>;
  /**
   * Events with seq > `afterSeq`, oldest first, at most `limit`; with `types`, only those types are returned
   * (filtered in the store, so the impressions every feed page logs are never read back).
   * `scannedTo` is the seq to resume after: past skipped events too, so the next call never re-reads them;
   * `more` says whether the limit cut the read short.
   */
  since(
    afterSeq: number,
    limit: number,
    types?: readonly LoggedEventType[],
  ): Promise<{ events: StoredEvent[]; scannedTo: number; more: boolean }>;
  /** A user's newest events (newest first), for long-term history and exclusions. */
  recentForUser(userId: string, limit: number): Promise<StoredEvent[]>;
}

/** Condition grades as the listings table stores them. */
export type ListingCondition = "new_open_box" | "like_new" | "good" | "fair" | "for_parts";

/** The listing shown with a product: the best active one (condition first, then price). */
export interface ListingSummary {
  id: string;
  productId: string;
  sellerId: string;
  /** Major units (the table stores minor units). */
  price: number;
  currency: string;
  condition: ListingCondition;
  /** Unix ms. */
  listedAt: number;
}

export interface ListingState {
  best: Map<string, ListingSummary>;
  unavailable: Set<string>;
}

/** Marketplace state the feed filters and decorates with (listings, sellers, orders). */
export interface MarketplacePort {
  /**
   * One round trip for both listing questions of a candidate set: the best active listing per product
   * (skipping `excludeSellerId`'s), and the products that have listings but none active (all sold,
   * reserved or withdrawn: not buyable now).
   */
  listingState(productIds: readonly string[], excludeSellerId: string | null): Promise<ListingState>;
  /**
   * Same answer from an in-process cache that may be slightly stale (no query per request): used to filter
   * and rank candidates. What is shown is re-checked with `listingState`, so a sale is never served.
   */
  cachedListingState?(productIds: readonly string[], excludeSellerId: string | null): Promise<ListingState>;
  /** Products the user sells (any listing) and products the user bought (orders). */
  userExclusions(userId: string): Promise<{ own: Set<string>; bought: Set<string> }>;
  /** Newest active listings' products, newest first. */
  freshProducts(limit: number): Promise<{ productId: string; listedAt: number }[]>;
  /** Resolve listing ids to their products (events may name only the listing); unknown ids are absent. */
  productsOfListings(listingIds: readonly string[]): Promise<Map<string, string>>;
}

/** One registered model version. */
export interface RegisteredArtifact {
  version: string;
  artifact: ModelArtifact;
  metrics: Record<string, number>;
  createdAt: number;
}

/** Expected shape of the ML registry (ml/registry/): versioned artifacts with a live pointer per model. */
export interface ArtifactRegistryPort {
  /** The live version of `model`, else the newest, else null. */
  live(model: string): Promise<RegisteredArtifact | null>;
  /**
   * The version `live()` would return, without loading its artifact: servers poll it to pick up a rotated or
   * rolled-back version. Optional: without it the poll falls back to `live()` (correct, only costlier).
   */
  liveVersion?(model: string): Promise<string | null>;
  register(
    model: string,
    artifact: ModelArtifact,
    metrics: Record<string, number>,
    options?: { live?: boolean },
  ): Promise<string>;
}

/** Who is calling, as the accounts team's principal middleware is expected to set `c.var.principal`. */
export interface RecsysPrincipal {
  kind: "user" | "api_key";
  userId: string;
  /** API keys only: granted scopes. */
  scopes?: readonly string[];
}
