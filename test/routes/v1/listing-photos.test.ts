import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json } from "../../helpers/auth";
import { createMarket, errorCode, listDevice, send, type ListingBody, type Market } from "./_fixtures";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]);
const WEBP = new Uint8Array([0x52, 0x49, 0x46, 0x46, 24, 0, 0, 0, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x20]);
const MAX = 4096;

interface Uploaded {
  photoId: string;
  url: string;
  listing: ListingBody & { photos: string[] };
}

function upload(
  t: Market,
  listingId: string,
  headers: Record<string, string>,
  bytes: Uint8Array,
  name = "photo.jpg",
  type = "image/jpeg",
) {
  const form = new FormData();
  form.append("photo", new File([bytes as Uint8Array<ArrayBuffer>], name, { type }));
  return t.app.request(`/v1/listings/${encodeURIComponent(listingId)}/photos`, { method: "POST", headers, body: form });
}

describe("listing photos: upload, serve, remove", () => {
  let t: Market;
  let listing: ListingBody;
  beforeAll(async () => {
    t = await createMarket({ PHOTO_MAX_BYTES: String(MAX), PHOTOS_PER_LISTING_MAX: "3" });
    listing = await listDevice(t, t.seller);
  });
  afterAll(() => t.cleanup());

  it("stores a PNG, appends its URL to the listing and serves it with its sniffed type and long caching", async () => {
    // The part's declared type and name lie: the bytes decide.
    const res = await upload(t, listing.id, t.seller.headers, PNG, "holiday.jpg", "image/jpeg");
    expect(res.status).toBe(201);
    const up = await json<Uploaded>(res);
    expect(up.photoId).toMatch(/^[0-9a-f-]{36}\.png$/);
    expect(up.url).toBe(`/v1/listings/${listing.id}/photos/${up.photoId}`);
    expect(up.listing.photos).toEqual([up.url]);

    const got = await t.app.request(up.url);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("image/png");
    expect(got.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(got.headers.get("x-content-type-options")).toBe("nosniff");
    expect([...new Uint8Array(await got.arrayBuffer())]).toEqual([...PNG]);
  });

  it("accepts JPEG and WebP; the per-listing count is limited (409 too_many_photos)", async () => {
    const l = await listDevice(t, t.seller);
    for (const bytes of [JPEG, WEBP, JPEG]) expect((await upload(t, l.id, t.seller.headers, bytes)).status).toBe(201);
    const full = await upload(t, l.id, t.seller.headers, PNG);
    expect(full.status).toBe(409);
    expect(await errorCode(full)).toBe("too_many_photos");
    const types = await Promise.all(
      (await json<{ photos: string[] }>(await send(t, "GET", `/v1/listings/${l.id}`, {}))).photos.map(async (u) =>
        (await t.app.request(u)).headers.get("content-type"),
      ),
    );
    expect(types).toEqual(["image/jpeg", "image/webp", "image/jpeg"]);
  });

  it("wrong type is 415 unsupported_photo_type, whatever the name and declared type; nothing is stored", async () => {
    const before = t.deps.objects as unknown as { size: number };
    const n = before.size;
    for (const bytes of [new TextEncoder().encode("<svg onload=alert(1)>"), new TextEncoder().encode("GIF89a......")]) {
      const res = await upload(t, listing.id, t.seller.headers, bytes, "x.png", "image/png");
      expect(res.status).toBe(415);
      expect(await errorCode(res)).toBe("unsupported_photo_type");
    }
    expect(before.size).toBe(n);
  });

  it("too big is 413 photo_too_large, above the photo limit (and above the global body limit only here)", async () => {
    const big = new Uint8Array(MAX + 1);
    big.set(JPEG);
    const res = await upload(t, listing.id, t.seller.headers, big);
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe("photo_too_large");
    // Far beyond: refused by the route's body limit before parsing.
    const huge = new Uint8Array(MAX * 20);
    huge.set(JPEG);
    const res2 = await upload(t, listing.id, t.seller.headers, huge);
    expect(res2.status).toBe(413);
    expect(await errorCode(res2)).toBe("photo_too_large");
  });

  it("a missing or non-file part is 400; an empty file 400", async () => {
    const form = new FormData();
    form.append("photo", "not a file");
    const res = await t.app.request(`/v1/listings/${listing.id}/photos`, {
      method: "POST",
      headers: t.seller.headers,
      body: form,
    });
    expect(res.status).toBe(400);
    expect((await upload(t, listing.id, t.seller.headers, new Uint8Array(0))).status).toBe(400);
  });

  it("someone else's listing is 404, a buyer 403, anonymous 401; an admin may", async () => {
    const foreign = await upload(t, listing.id, t.otherSeller.headers, PNG);
    expect(foreign.status).toBe(404);
    expect((await upload(t, "no-such-listing", t.seller.headers, PNG)).status).toBe(404);
    expect((await upload(t, listing.id, t.buyer.headers, PNG)).status).toBe(403);
    expect((await upload(t, listing.id, {}, PNG)).status).toBe(401);
  });

  it("path traversal and made-up photo names are 404, never a file read", async () => {
    for (const name of [
      "..%2F..%2Fetc%2Fpasswd",
      "..%2Ftest.db",
      "%2E%2E%2F%2E%2E%2Fapp.ts",
      "00000000-0000-0000-0000-000000000000.png",
      "..",
      "photo.jpg",
      "00000000-0000-0000-0000-000000000000.png%00.txt",
    ]) {
      const res = await t.app.request(`/v1/listings/${listing.id}/photos/${name}`);
      expect(res.status, name).toBe(404);
    }
    expect((await t.app.request(`/v1/listings/${listing.id}/photos/../../../etc/passwd`)).status).toBe(404);
  });

  it("an uploaded photo of one listing cannot be attached to another by PATCH (422 unknown_photo)", async () => {
    const up = await json<Uploaded>(await upload(t, listing.id, t.seller.headers, PNG));
    const other = await listDevice(t, t.seller);
    const stolen = up.url.replace(listing.id, other.id);
    const res = await send(t, "PATCH", `/v1/listings/${other.id}`, t.seller.headers, { photos: [stolen] });
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe("unknown_photo");
    // Reordering or dropping one's own uploaded photos is fine.
    const mine = await json<{ photos: string[] }>(await send(t, "GET", `/v1/listings/${listing.id}`, {}));
    const ok = await send(t, "PATCH", `/v1/listings/${listing.id}`, t.seller.headers, {
      photos: [...mine.photos].reverse(),
    });
    expect(ok.status).toBe(200);
  });

  it("removing a photo drops it from the listing and storage; photos of a withdrawn listing are private", async () => {
    const l = await listDevice(t, t.seller);
    const a = await json<Uploaded>(await upload(t, l.id, t.seller.headers, PNG));
    const b = await json<Uploaded>(await upload(t, l.id, t.seller.headers, JPEG));
    expect((await send(t, "DELETE", a.url, t.otherSeller.headers)).status).toBe(404);
    const del = await send(t, "DELETE", a.url, t.seller.headers);
    expect(del.status).toBe(200);
    expect((await json<{ photos: string[] }>(del)).photos).toEqual([b.url]);
    expect((await t.app.request(a.url)).status).toBe(404);

    expect((await send(t, "PATCH", `/v1/listings/${l.id}`, t.seller.headers, { status: "withdrawn" })).status).toBe(
      200,
    );
    expect((await t.app.request(b.url)).status).toBe(404);
    const own = await t.app.request(b.url, { headers: t.seller.headers });
    expect(own.status).toBe(200);
    expect(own.headers.get("cache-control")).toMatch(/no-store/);
    // A signed-in shopper still gets the public photo's long caching (the bytes do not depend on who asks).
    const publicOne = (await json<{ photos: string[] }>(await send(t, "GET", `/v1/listings/${listing.id}`, {})))
      .photos[0]!;
    expect((await t.app.request(publicOne, { headers: t.buyer.headers })).headers.get("cache-control")).toContain(
      "public",
    );
    // A closed listing takes no more photos.
    const closed = await upload(t, l.id, t.seller.headers, PNG);
    expect(closed.status).toBe(409);
  });
});
