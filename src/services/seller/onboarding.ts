import { eq } from "drizzle-orm";
import type { RoleName } from "../../auth/permissions";
import type { Database } from "../../db/database";
import { user as userTable } from "../../db/schema/auth";
import { sellerTerms } from "../../db/schema/seller";
import { notFound, UnprocessableError } from "../../domain/errors";
import { withWriteTransaction } from "../orders/write-tx";
import type { Queryable } from "../queryable";
import { auditInsert } from "../audit/audit";

/**
 * The seller terms in force. A new version makes every seller accept again before their next onboarding call
 * succeeds; existing sellers keep their role (the role is not taken away by a terms change).
 */
export const SELLER_TERMS_VERSION = "2026-12-01";

export interface SellerStatus {
  role: RoleName;
  /** True for sellers and admins: the role allows creating listings. */
  canSell: boolean;
  acceptedTermsVersion: string | null;
  acceptedAt: string | null;
  currentTermsVersion: string;
}

async function read(db: Queryable, userId: string): Promise<SellerStatus> {
  const u = await db.select({ role: userTable.role }).from(userTable).where(eq(userTable.id, userId)).get();
  if (!u) throw notFound("user");
  const t = await db.select().from(sellerTerms).where(eq(sellerTerms.userId, userId)).get();
  const role = (u.role ?? "buyer") as RoleName;
  return {
    role,
    canSell: role === "seller" || role === "admin",
    acceptedTermsVersion: t?.termsVersion ?? null,
    acceptedAt: t ? new Date(t.acceptedAt).toISOString() : null,
    currentTermsVersion: SELLER_TERMS_VERSION,
  };
}

export const sellerStatus = (db: Queryable, userId: string) => read(db, userId);

/**
 * Self-serve "start selling": records acceptance of the current terms and makes a buyer a seller, in one
 * write transaction with its audit row. Idempotent: calling it again changes nothing and reports
 * `changed: false`. Admins keep their role (accepting the terms never demotes). The role lives only in
 * `user.role`, the column the admin role change writes too.
 */
export async function startSelling(
  db: Database,
  input: { userId: string; termsVersion: string; now: number; auditId: string },
): Promise<{ status: SellerStatus; changed: boolean }> {
  if (input.termsVersion !== SELLER_TERMS_VERSION)
    throw new UnprocessableError(
      "terms_version_mismatch",
      `the seller terms in force are version ${SELLER_TERMS_VERSION}; accept that version`,
      { currentTermsVersion: SELLER_TERMS_VERSION },
    );
  return withWriteTransaction(db, async (tx) => {
    const before = await read(tx, input.userId);
    const becomesSeller = before.role === "buyer";
    const acceptsNewTerms = before.acceptedTermsVersion !== SELLER_TERMS_VERSION;
    if (!becomesSeller && !acceptsNewTerms) return { status: before, changed: false };
    await tx
      .insert(sellerTerms)
      .values({ userId: input.userId, termsVersion: SELLER_TERMS_VERSION, acceptedAt: input.now })
      .onConflictDoUpdate({
        target: sellerTerms.userId,
        set: { termsVersion: SELLER_TERMS_VERSION, acceptedAt: input.now },
      });
    if (becomesSeller)
      await tx
        .update(userTable)
        .set({ role: "seller", updatedAt: new Date(input.now) })
        .where(eq(userTable.id, input.userId));
    await auditInsert(
      tx,
      {
        actorId: input.userId,
        action: becomesSeller ? "seller.onboarded" : "seller.terms_accepted",
        targetType: "user",
        targetId: input.userId,
        details: { termsVersion: SELLER_TERMS_VERSION, roleBefore: before.role },
      },
      input.now,
      input.auditId,
    );
    return { status: await read(tx, input.userId), changed: true };
  });
}
