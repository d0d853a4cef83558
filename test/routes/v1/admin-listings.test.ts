import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json } from "../../helpers/auth";
import { createMarket, errorCode, listDevice, send, type Market } from "./_fixtures";

interface Listing {
  id: string;
  status: string;
  moderationReason: string | null;
}
interface Audit {
  items: { action: string; actorId: string; details: Record<string, unknown> }[];
}

describe("admin: listing moderation", () => {
  let t: Market;
  beforeAll(async () => {
    t = await createMarket();
  });
  afterAll(() => t.cleanup());

  it("hide takes a listing off the market with a reason the seller sees; restore puts it back; both audited", async () => {
    const l = await listDevice(t, t.seller);
    const hid = await send(t, "POST", `/v1/admin/listings/${l.id}/hide`, t.admin.headers, {
      reason: "Counterfeit suspected",
    });
    expect(hid.status).toBe(200);
    expect(await json<Listing>(hid)).toMatchObject({ status: "hidden", moderationReason: "Counterfeit suspected" });

    expect((await send(t, "GET", `/v1/listings/${l.id}`, {})).status).toBe(404);
    expect((await send(t, "GET", `/v1/listings/${l.id}`, t.buyer.headers)).status).toBe(404);
    const own = await json<Listing>(await send(t, "GET", `/v1/listings/${l.id}`, t.seller.headers));
    expect(own).toMatchObject({ status: "hidden", moderationReason: "Counterfeit suspected" });
    // The seller cannot undo a moderator's decision.
    const undo = await send(t, "PATCH", `/v1/listings/${l.id}`, t.seller.headers, { status: "active" });
    expect(undo.status).toBe(409);
    expect((await send(t, "PUT", `/v1/cart/items/${l.id}`, t.buyer.headers)).status).toBe(404);

    const back = await send(t, "POST", `/v1/admin/listings/${l.id}/restore`, t.admin.headers, {});
    expect(await json<Listing>(back)).toMatchObject({ status: "active", moderationReason: null });

    const trail = await json<Audit>(
      await send(t, "GET", `/v1/admin/audit?targetType=listing&targetId=${l.id}`, t.admin.headers),
    );
    expect(trail.items.map((e) => e.action).sort()).toEqual(["listing.active", "listing.hidden"]);
    expect(trail.items.every((e) => e.actorId === t.admin.userId)).toBe(true);
  });

  it("remove is final; sold listings cannot be moderated away (409 invalid_transition)", async () => {
    const l = await listDevice(t, t.seller);
    const res = await send(t, "POST", `/v1/admin/listings/${l.id}/remove`, t.admin.headers, {
      reason: "Prohibited item",
    });
    expect((await json<Listing>(res)).status).toBe("removed");
    const again = await send(t, "POST", `/v1/admin/listings/${l.id}/restore`, t.admin.headers, {});
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe("invalid_transition");

    const sold = await listDevice(t, t.otherSeller);
    await send(t, "PUT", `/v1/cart/items/${sold.id}`, t.buyer.headers);
    expect((await send(t, "POST", "/v1/checkout", t.buyer.headers)).status).toBe(201);
    const r = await send(t, "POST", `/v1/admin/listings/${sold.id}/hide`, t.admin.headers, { reason: "Too late" });
    expect(r.status).toBe(409);
  });

  it("lists every status for moderators, filtered by status, seller and text", async () => {
    const hidden = await json<{ items: Listing[] }>(
      await send(t, "GET", "/v1/admin/listings?status=hidden", t.admin.headers),
    );
    expect(hidden.items.every((l) => l.status === "hidden")).toBe(true);
    const removed = await json<{ items: Listing[] }>(
      await send(t, "GET", "/v1/admin/listings?status=removed", t.admin.headers),
    );
    expect(removed.items).toHaveLength(1);
    const bySeller = await json<{ items: (Listing & { sellerId: string })[] }>(
      await send(t, "GET", `/v1/admin/listings?seller=${t.otherSeller.userId}`, t.admin.headers),
    );
    expect(bySeller.items.every((l) => l.sellerId === t.otherSeller.userId)).toBe(true);
    const byText = await json<{ items: Listing[] }>(
      await send(t, "GET", "/v1/admin/listings?q=Pixel", t.admin.headers),
    );
    expect(byText.items.length).toBeGreaterThan(0);
    const page = await json<{ items: Listing[]; nextCursor: string }>(
      await send(t, "GET", "/v1/admin/listings?limit=1", t.admin.headers),
    );
    const next = await json<{ items: Listing[] }>(
      await send(t, "GET", `/v1/admin/listings?limit=1&cursor=${encodeURIComponent(page.nextCursor)}`, t.admin.headers),
    );
    expect(next.items[0]?.id).not.toBe(page.items[0]?.id);
  });

  it("a reason is required to hide or remove; non-admins are 403, anonymous 401, unknown listing 404", async () => {
    const l = await listDevice(t, t.seller);
    expect((await send(t, "POST", `/v1/admin/listings/${l.id}/hide`, t.admin.headers, {})).status).toBe(400);
    expect((await send(t, "POST", `/v1/admin/listings/${l.id}/remove`, t.admin.headers, { reason: "" })).status).toBe(
      400,
    );
    for (const u of [t.seller, t.buyer]) {
      expect((await send(t, "POST", `/v1/admin/listings/${l.id}/hide`, u.headers, { reason: "mine now" })).status).toBe(
        403,
      );
      expect((await send(t, "GET", "/v1/admin/listings", u.headers)).status).toBe(403);
      expect((await send(t, "GET", `/v1/admin/audit?targetType=listing&targetId=${l.id}`, u.headers)).status).toBe(403);
    }
    expect((await send(t, "POST", `/v1/admin/listings/${l.id}/hide`, {}, { reason: "anon" })).status).toBe(401);
    expect((await send(t, "POST", "/v1/admin/listings/nope/hide", t.admin.headers, { reason: "missing" })).status).toBe(
      404,
    );
  });

  it("role changes and bans are audited with before and after", async () => {
    const res = await send(t, "PUT", `/v1/admin/users/${t.buyer.userId}/role`, t.admin.headers, { role: "seller" });
    expect(res.status).toBe(200);
    await send(t, "POST", `/v1/admin/users/${t.otherSeller.userId}/ban`, t.admin.headers, { reason: "Fraud" });
    await send(t, "POST", `/v1/admin/users/${t.otherSeller.userId}/unban`, t.admin.headers);
    const a = await json<Audit>(
      await send(t, "GET", `/v1/admin/audit?targetType=user&targetId=${t.buyer.userId}`, t.admin.headers),
    );
    expect(a.items).toEqual([
      expect.objectContaining({ action: "user.role_changed", details: { from: "buyer", to: "seller" } }),
    ]);
    const b = await json<Audit>(
      await send(t, "GET", `/v1/admin/audit?targetType=user&targetId=${t.otherSeller.userId}`, t.admin.headers),
    );
    expect(b.items.map((e) => e.action).sort()).toEqual(["user.banned", "user.unbanned"]);
  });
});
