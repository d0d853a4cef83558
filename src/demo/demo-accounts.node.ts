import { count, desc, eq } from "drizzle-orm";
import type { AppDeps } from "../context";
import { createAccount, generatePassword } from "../auth/accounts";
import type { RoleName } from "../auth/permissions";
import { user } from "../db/schema/auth";
import { products as productsTable, reviews } from "../db/schema/catalog";
import { conditionGrades, favorites as favoritesTable, listings, type ConditionGrade } from "../db/schema/marketplace";
import type { NewEvent } from "../ports/event-log";
import { listingDescription } from "./listing-text";

export interface DemoCredential {
  role: RoleName;
  email: string;
  password: string;
  /** What the account holds, for the start-up banner. */
  note: string;
}

export type DemoAccountsResult =
  | { status: "skipped"; reason: "users_present" }
  | { status: "created"; accounts: DemoCredential[] };

export interface DemoAccountsOptions {
  buyers?: number;
  sellers?: number;
  listingsPerSeller?: number;
}

/** Share of the catalog price a used device asks, by condition. */
const priceFactor: Record<ConditionGrade, number> = {
  new_open_box: 0.85,
  like_new: 0.75,
  good: 0.6,
  fair: 0.45,
  for_parts: 0.2,
};

/**
 * Demo accounts for an empty install (no user yet): buyers whose histories (views, favorites) are replayed
 * from the most active reviewers of the demo catalog, sellers with listings of its most-rated products, and
 * one admin. Passwords are random per install and returned once for the start banner; nothing is hard-coded.
 * Needs the demo catalog loaded first (products and reviews); with an empty catalog, accounts get no history.
 */
export async function ensureDemoAccounts(
  deps: Pick<AppDeps, "auth" | "db" | "clock" | "newId" | "events">,
  options: DemoAccountsOptions = {},
): Promise<DemoAccountsResult> {
  const { db } = deps;
  const anyUser = await db.select({ id: user.id }).from(user).limit(1).get();
  if (anyUser) return { status: "skipped", reason: "users_present" };
  const nBuyers = options.buyers ?? 5;
  const nSellers = options.sellers ?? 3;
  const perSeller = options.listingsPerSeller ?? 10;
  const now = deps.clock();
  const accounts: DemoCredential[] = [];

  const make = async (role: RoleName, email: string, name: string) => {
    const password = generatePassword();
    const { userId } = await createAccount(deps, { email, password, name, role });
    return { userId, password };
  };

  const admin = await make("admin", "admin@recircuit.demo", "Demo Admin");
  accounts.push({ role: "admin", email: "admin@recircuit.demo", password: admin.password, note: "administrator" });

  // Sellers: listings of the most-rated products, spread round-robin, conditions cycled.
  const products = await db
    .select({ parentAsin: productsTable.parentAsin, price: productsTable.price })
    .from(productsTable)
    .orderBy(desc(productsTable.ratingNumber), productsTable.id)
    .limit(nSellers * perSeller);
  for (let s = 0; s < nSellers; s++) {
    const email = `seller${s + 1}@recircuit.demo`;
    const { userId, password } = await make("seller", email, `Demo Seller ${s + 1}`);
    const mine = products.filter((_, i) => i % nSellers === s);
    const rows = mine.map((p, i) => {
      const condition = conditionGrades[(s + i) % conditionGrades.length]!;
      // Demo products are all priced; ingested data may not be (then a plausible stand-in).
      const base = p.price === null ? 50 + ((i * 37) % 400) : p.price;
      return {
        id: deps.newId(),
        sellerId: userId,
        parentAsin: p.parentAsin,
        condition,
        priceMinor: Math.max(100, Math.round(base * priceFactor[condition] * 100)),
        currency: "USD",
        description: listingDescription(42, s, i, condition),
        photos: [],
        status: "active" as const,
        createdAt: now - i * 3_600_000,
        updatedAt: now - i * 3_600_000,
      };
    });
    if (rows.length) await db.insert(listings).values(rows);
    accounts.push({ role: "seller", email, password, note: `${mine.length} listings` });
  }

  // Buyers: each replays one of the most active reviewers (views of everything reviewed, favorites of 5-star items).
  const reviewers = await db
    .select({ userId: reviews.userId })
    .from(reviews)
    .groupBy(reviews.userId)
    .orderBy(desc(count()), reviews.userId)
    .limit(nBuyers);
  for (let b = 0; b < nBuyers; b++) {
    const email = `buyer${b + 1}@recircuit.demo`;
    const { userId, password } = await make("buyer", email, `Demo Buyer ${b + 1}`);
    const reviewer = reviewers[b]?.userId;
    let views = 0;
    let favs = 0;
    if (reviewer !== undefined) {
      const history = await db
        .select({ item: reviews.parentAsin, rating: reviews.rating, ts: reviews.timestamp })
        .from(reviews)
        .where(eq(reviews.userId, reviewer))
        .orderBy(desc(reviews.timestamp))
        .limit(50);
      const events: NewEvent[] = [];
      const favorites: (typeof favoritesTable.$inferInsert)[] = [];
      for (const { item, rating, ts } of history) {
        events.push({
          type: "view",
          userId,
          parentAsin: item,
          ts,
          context: { source: "demo", replayOf: reviewer },
        });
        if (rating >= 5 && favorites.length < 10) {
          favorites.push({ userId, targetType: "product", targetId: item, createdAt: ts });
          events.push({ type: "favorite", userId, parentAsin: item, ts: ts + 1, context: { source: "demo" } });
        }
      }
      views = history.length;
      favs = favorites.length;
      await deps.events.record(events);
      if (favorites.length) await db.insert(favoritesTable).values(favorites).onConflictDoNothing();
    }
    accounts.push({ role: "buyer", email, password, note: `${views} viewed items, ${favs} favorites` });
  }
  return { status: "created", accounts };
}

/** The start-up banner: printed once, right after creation (passwords are not stored anywhere else). */
export function formatDemoCredentials(accounts: DemoCredential[]): string {
  const lines = accounts.map((a) => `  ${a.role.padEnd(6)} ${a.email.padEnd(26)} ${a.password}   (${a.note})`);
  return ["Demo accounts (passwords generated for this install, shown only now):", ...lines].join("\n");
}
