import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listings } from "../../src/db/schema/marketplace";
import { readPhotoForm } from "../../src/web/pages/seller/photo-form";
import { createTestApp, type TestApp } from "../helpers/app";
import { createUser, type TestUser } from "../helpers/auth";
import { seedCatalog } from "../helpers/catalog-seed";

/**
 * The seller pages' photo forms answer a browser with HTML: a refused photo (too large: 413, not an image: 415)
 * renders the form again with the error beside the photo input and every other field kept, and lists nothing;
 * the JSON API keeps its JSON errors. Real multipart bodies as a browser sends them, fields before the photo.
 */

const ORIGIN = "http://localhost";
const MAX = 64 * 1024;
let t: TestApp;
let seller: TestUser;

beforeAll(async () => {
  t = await createTestApp({}, { PHOTO_MAX_BYTES: String(MAX) });
  await seedCatalog(t.db);
  seller = await createUser(t, "seller");
});
afterAll(() => t?.cleanup());

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const png = (size: number) => {
  const b = new Uint8Array(size).fill(7);
  b.set(PNG_MAGIC);
  return b;
};
const text = (s: string) => new TextEncoder().encode(s);

function listingForm(
  photo: { bytes: Uint8Array<ArrayBuffer>; name?: string; type?: string } | null,
  over: Record<string, string> = {},
) {
  const form = new FormData();
  const fields = {
    productId: "P-HEAD-1",
    condition: "like_new",
    price: "349.50",
    currency: "EUR",
    description: "Battery at 92% & <no> scratches",
    ...over,
  };
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (photo) form.append("photo", new File([photo.bytes], photo.name ?? "p.png", { type: photo.type ?? "image/png" }));
  return form;
}

const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
  t.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { origin: ORIGIN, cookie: seller.cookie, ...headers },
    body,
  });

const listingCount = async () =>
  (await t.db.select({ id: listings.id }).from(listings).where(eq(listings.sellerId, seller.userId))).length;

/** The photo input and the error right after it, as rendered. */
const photoField = (html: string) => html.slice(html.indexOf('name="photo"') - 200, html.indexOf('name="photo"') + 600);

describe("new listing form (/sell/new)", () => {
  it("an oversized photo: 413 HTML page, the error beside the photo input, every other field kept, nothing listed", async () => {
    const before = await listingCount();
    const res = await post("/sell/new", listingForm({ bytes: png(MAX * 4) }));
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    const field = photoField(html);
    expect(field).toContain('aria-invalid="true"');
    expect(field).toContain('aria-describedby="photo-error"');
    expect(field).toMatch(/id="photo-error"[^>]*>That photo is too large: a photo may be at most 0.1 MB/);
    expect(html).toContain('name="productId" required="" value="P-HEAD-1"');
    expect(html).toContain('name="price" type="number"');
    expect(html).toContain('value="349.50"');
    expect(html).toMatch(/<option value="EUR" selected="">EUR<\/option>/);
    expect(html).toMatch(/<option value="like_new" selected="">/);
    expect(html).toContain("Battery at 92% &amp; &lt;no&gt; scratches</textarea>");
    expect(await listingCount()).toBe(before);
  });

  it("a file that is not an image (by its bytes, whatever its name says): 415 HTML, fields kept, nothing listed", async () => {
    const before = await listingCount();
    const res = await post(
      "/sell/new",
      listingForm({ bytes: text("<script>alert(1)</script>"), name: "cat.png", type: "image/png" }),
    );
    expect(res.status).toBe(415);
    const html = await res.text();
    expect(photoField(html)).toContain("That file is not a JPEG, PNG or WebP image.");
    expect(html).toContain('value="349.50"');
    expect(await listingCount()).toBe(before);
  });

  it("a photo within the limit lists the device with it, priced in the chosen currency", async () => {
    const res = await post("/sell/new", listingForm({ bytes: png(MAX - 100) }));
    expect(res.status).toBe(303);
    const id = decodeURIComponent(res.headers.get("location")!.match(/^\/sell\/listings\/([^?]+)\?ok=/)![1]!);
    const row = await t.db.select().from(listings).where(eq(listings.id, id)).get();
    expect(row).toMatchObject({ priceMinor: 34950, currency: "EUR", condition: "like_new" });
    expect(row!.photos).toHaveLength(1);
    const page = await t.app.request(`${ORIGIN}/sell/listings/${encodeURIComponent(id)}`, {
      headers: { cookie: seller.cookie },
    });
    expect(await page.text()).toContain("€349.50");
  });

  it("prices in the currency's own minor unit: 25000 JPY is stored as 25000, 0.5 JPY is refused", async () => {
    const ok = await post("/sell/new", listingForm(null, { price: "25000", currency: "JPY" }));
    expect(ok.status).toBe(303);
    const id = decodeURIComponent(ok.headers.get("location")!.match(/^\/sell\/listings\/([^?]+)/)![1]!);
    expect((await t.db.select().from(listings).where(eq(listings.id, id)).get())?.priceMinor).toBe(25000);
    const page = await t.app.request(`${ORIGIN}/sell/listings/${encodeURIComponent(id)}`, {
      headers: { cookie: seller.cookie },
    });
    expect(await page.text()).toContain("¥25,000");
    const bad = await post("/sell/new", listingForm(null, { price: "0.5", currency: "JPY" }));
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toMatch(/id="price-error"[^>]*>Enter a price in JPY/);
    expect(html).toContain('value="0.5"');
  });

  it("an unknown product: 404 with the error beside the product id; a bad price: 422 beside the price", async () => {
    const res = await post("/sell/new", listingForm(null, { productId: "NOPE-1" }));
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/id="productId-error"[^>]*>The catalog has no product “NOPE-1”/);
    const price = await post("/sell/new", listingForm(null, { price: "-3" }));
    expect(price.status).toBe(422);
    expect(await price.text()).toContain('id="price-error"');
  });

  it("a streamed upload without Content-Length is cut at the limit too (the fields before it still kept)", async () => {
    const r = new Response(listingForm({ bytes: png(MAX * 3) }));
    const bytes = new Uint8Array(await r.arrayBuffer());
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (at >= bytes.byteLength) return c.close();
        c.enqueue(bytes.subarray(at, at + 16 * 1024));
        at += 16 * 1024;
      },
    });
    const res = await t.app.request(`${ORIGIN}/sell/new`, {
      method: "POST",
      headers: { origin: ORIGIN, cookie: seller.cookie, "content-type": r.headers.get("content-type")! },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('value="349.50"');
  });
});

describe("add a photo to a listing (/sell/listings/:id/photos)", () => {
  let listingId: string;
  beforeAll(async () => {
    const res = await post("/sell/new", listingForm(null));
    listingId = decodeURIComponent(res.headers.get("location")!.match(/^\/sell\/listings\/([^?]+)/)![1]!);
  });
  const photoForm = (bytes: Uint8Array<ArrayBuffer>) => {
    const f = new FormData();
    f.append("photo", new File([bytes], "p.png", { type: "image/png" }));
    return f;
  };
  const path = () => `/sell/listings/${encodeURIComponent(listingId)}/photos`;

  it("too large: 413, the listing page with the error beside the input; the API answers the same as JSON", async () => {
    const res = await post(path(), photoForm(png(MAX * 2)));
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(photoField(html)).toMatch(/id="photo-error"[^>]*>That photo is too large/);
    expect(html).toContain("<h2>Photos</h2>");

    const api = await t.app.request(`${ORIGIN}/v1/listings/${encodeURIComponent(listingId)}/photos`, {
      method: "POST",
      headers: { authorization: `Bearer ${seller.token}` },
      body: photoForm(png(MAX * 2)),
    });
    expect(api.status).toBe(413);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("photo_too_large");
  });

  it("not an image: 415 page; none chosen: 400 page; a good one: back to the listing with the photo", async () => {
    const bad = await post(path(), photoForm(text("GIF89a not allowed")));
    expect(bad.status).toBe(415);
    expect(photoField(await bad.text())).toContain("not a JPEG, PNG or WebP image");
    const none = await post(path(), new FormData());
    expect(none.status).toBe(400);
    expect(await none.text()).toContain("Choose a photo to upload.");
    const ok = await post(path(), photoForm(png(1000)));
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toMatch(/\?ok=Photo\+added/);
  });

  it("someone else's listing is a 404, whatever the photo", async () => {
    const other = await createUser(t, "seller");
    const res = await t.app.request(`${ORIGIN}${path()}`, {
      method: "POST",
      headers: { origin: ORIGIN, cookie: other.cookie },
      body: photoForm(png(1000)),
    });
    expect(res.status).toBe(404);
  });
});

describe("readPhotoForm", () => {
  const req = (body: BodyInit) => new Request("http://x/", { method: "POST", body });

  it("keeps the fields before an oversized file and never returns its bytes", async () => {
    const r = await readPhotoForm(req(listingForm({ bytes: png(MAX * 10) })), MAX);
    expect(r.photoError?.code).toBe("photo_too_large");
    expect(r.photo).toBeNull();
    expect(r.fields).toMatchObject({ productId: "P-HEAD-1", price: "349.50", currency: "EUR" });
  });

  it("an oversized file sent first leaves no fields (nothing before it), still a clean 413 result", async () => {
    const f = new FormData();
    f.append("photo", new File([png(MAX * 2)], "p.png"));
    f.append("price", "1");
    const r = await readPhotoForm(req(f), MAX);
    expect(r.photoError?.status).toBe(413);
    expect(r.fields).toEqual({});
  });

  it("urlencoded forms (no file input) give their fields; an empty file input is no photo", async () => {
    const r = await readPhotoForm(req(new URLSearchParams({ price: "3" })), MAX);
    expect(r).toEqual({ fields: { price: "3" }, photo: null, photoError: null });
    const empty = await readPhotoForm(req(listingForm({ bytes: new Uint8Array(0) })), MAX);
    expect(empty.photo).toBeNull();
    expect(empty.photoError).toBeNull();
  });
});
