import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { user } from "../../../src/db/schema/auth";
import { orders } from "../../../src/db/schema/marketplace";
import { libsqlErrorOf, withWriteTransaction } from "../../../src/services/orders/write-tx";
import { createTestDb, type TestDb } from "../../helpers/app";

const order = (id: string, idempotencyKey: string | null) => ({
  id,
  buyerId: "buyer-1",
  status: "placed" as const,
  totalMinor: 100,
  currency: "USD",
  idempotencyKey,
  createdAt: 1,
});

/** The drizzle view of a write transaction (checkout's): its queries and batches commit or roll back together. */
describe("withWriteTransaction", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    const now = new Date();
    await t.db.insert(user).values({
      id: "buyer-1",
      name: "B",
      email: "b@example.test",
      emailVerified: false,
      createdAt: now,
      updatedAt: now,
    });
  });
  afterAll(() => t.cleanup());

  it("commits what fn wrote", async () => {
    await withWriteTransaction(t.db, async (tx) => {
      await tx.insert(orders).values(order("o-1", "key-1"));
    });
    expect(await t.db.select({ id: orders.id }).from(orders).where(eq(orders.id, "o-1"))).toEqual([{ id: "o-1" }]);
  });

  it("rolls back every query and batch of fn when it throws", async () => {
    const err = await withWriteTransaction(t.db, async (tx) => {
      await tx.insert(orders).values(order("o-2", null));
      await tx.batch([tx.insert(orders).values(order("o-3", null))]);
      throw new Error("changed my mind");
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe("changed my mind");
    expect(await t.db.select({ id: orders.id }).from(orders)).toEqual([{ id: "o-1" }]);
  });

  it("surfaces a unique violation from a batch with its SQLite message (checkout's idempotency race)", async () => {
    const err = await withWriteTransaction(t.db, async (tx) => {
      await tx.batch([tx.insert(orders).values(order("o-4", "key-1"))]);
    }).catch((e: unknown) => e);
    expect(libsqlErrorOf(err)?.message).toMatch(/UNIQUE constraint failed: orders\.buyer_id/);
    expect(await t.db.select({ id: orders.id }).from(orders)).toEqual([{ id: "o-1" }]);
  });

  it("finds the libSQL error behind drizzle's query wrapper", async () => {
    const err = await t.db
      .insert(orders)
      .values(order("o-1", null))
      .catch((e: unknown) => e);
    expect(libsqlErrorOf(err)?.message).toMatch(/UNIQUE constraint failed: orders\.id/);
    expect(libsqlErrorOf(new Error("plain"))).toBeNull();
  });
});
