import { eq } from "drizzle-orm";
import { Hono } from "hono";
import type { Context } from "hono";
import type { PermissionRequest } from "../../../auth/permissions";
import type { AppEnv } from "../../../context";
import { photoBodyLimit } from "../../../http/middleware/photo-body-limit";
import { products } from "../../../db/schema/catalog";
import { conditionGrades, type ConditionGrade } from "../../../db/schema/marketplace";
import { DomainError } from "../../../domain/errors";
import { listProducts } from "../../../services/catalog/products";
import { createListing, updateListing } from "../../../services/listings/listings";
import { listAnyStatus } from "../../../services/moderation/moderation";
import { addListingPhoto, PhotoRejectedError } from "../../../services/photos/listing-photos";
import { advanceSale, allowedActions, listSales, saleActions, type SaleAction } from "../../../services/sales/sales";
import { SELLER_TERMS_VERSION, sellerStatus, startSelling } from "../../../services/seller/onboarding";
import { findListing } from "../../../services/listings/listings";
import { mustPageUser, requirePageUser } from "../../page-auth";
import { renderPage } from "../../render";
import { back, Flash, money, requirePageRole, shortDate } from "../page-guards";

/**
 * Seller pages: start selling, create a listing from a catalog product (with a photo), my listings, my sales.
 * Plain forms (Post/Redirect/Get with a flash message), so everything works without JavaScript; handlers call
 * the same services as the /v1 API, so rules (state machines, photo checks, ownership) are enforced once.
 */
export const sellerPages = new Hono<AppEnv>();

const canList: PermissionRequest = { listing: ["create"] };
const conditionLabel: Record<ConditionGrade, string> = {
  new_open_box: "New (open box)",
  like_new: "Like new",
  good: "Good",
  fair: "Fair",
  for_parts: "For parts",
};

const viewer = (c: Context<AppEnv>) => {
  const u = mustPageUser(c);
  return { userId: u.userId, isAdmin: u.role === "admin" };
};

/** A domain error from a form post goes back to the form as a message; anything else is a real failure. */
async function orBack(c: Context<AppEnv>, path: string, fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DomainError || err instanceof PhotoRejectedError) return back(c, path, { error: err.message });
    throw err;
  }
}

function SellerNav(props: { current: string }) {
  const links = [
    ["/sell/listings", "My listings"],
    ["/sell/new", "New listing"],
    ["/sell/sales", "My sales"],
  ];
  return (
    <nav aria-label="Seller" class="toolbar">
      {links.map(([href, label]) => (
        <a
          href={href}
          class={props.current === href ? "primary" : "secondary"}
          aria-current={props.current === href ? "page" : undefined}
        >
          {label}
        </a>
      ))}
    </nav>
  );
}

sellerPages.get("/sell", requirePageUser(), async (c) => {
  const s = await sellerStatus(c.var.deps.db, mustPageUser(c).userId);
  if (s.canSell && s.acceptedTermsVersion === SELLER_TERMS_VERSION) return c.redirect("/sell/listings", 303);
  return renderPage(
    c,
    { title: "Start selling", page: "sell-start" },
    <section>
      <h1>Start selling on Recircuit</h1>
      <Flash c={c} />
      <p>List your used electronics against our catalog, get paid when they sell, and ship them to the buyer.</p>
      <h2>Seller terms (version {SELLER_TERMS_VERSION})</h2>
      <ul>
        <li>Describe the device's condition honestly; moderators may hide or remove misleading listings.</li>
        <li>Ship within 3 days of a sale and mark the sale shipped, then completed on delivery.</li>
        <li>Only sell devices you own; no counterfeit or stolen goods.</li>
      </ul>
      <form class="stack" method="post" action="/sell/start">
        <input type="hidden" name="termsVersion" value={SELLER_TERMS_VERSION} />
        <label>
          <span>
            <input type="checkbox" name="acceptTerms" value="true" required /> I accept the seller terms
          </span>
        </label>
        <button type="submit" class="primary">
          Start selling
        </button>
      </form>
    </section>,
  );
});

sellerPages.post("/sell/start", requirePageUser(), async (c) =>
  orBack(c, "/sell", async () => {
    const form = await c.req.parseBody();
    if (form.acceptTerms !== "true") return back(c, "/sell", { error: "Tick the box to accept the seller terms." });
    const { deps } = c.var;
    await startSelling(deps.db, {
      userId: mustPageUser(c).userId,
      termsVersion: String(form.termsVersion ?? ""),
      now: deps.clock(),
      auditId: deps.newId(),
    });
    return back(c, "/sell/new", { ok: "You are a seller now. List your first device." });
  }),
);

sellerPages.get("/sell/listings", requirePageUser(), requirePageRole(canList, "/sell"), async (c) => {
  const { items } = await listAnyStatus(c.var.deps.db, { sellerId: mustPageUser(c).userId, limit: 100 });
  return renderPage(
    c,
    { title: "My listings", page: "sell-listings" },
    <section>
      <h1>My listings</h1>
      <SellerNav current="/sell/listings" />
      <Flash c={c} />
      {items.length === 0 ? (
        <p>
          No listings yet. <a href="/sell/new">List a device</a>.
        </p>
      ) : (
        <table class="data">
          <caption class="visually-hidden">Your listings</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Condition</th>
              <th scope="col">Price</th>
              <th scope="col">Photos</th>
              <th scope="col">Status</th>
              <th scope="col">Listed</th>
            </tr>
          </thead>
          <tbody>
            {items.map((l) => (
              <tr>
                <td>
                  <a href={`/sell/listings/${encodeURIComponent(l.id)}`}>{l.productTitle || l.productId}</a>
                </td>
                <td>{conditionLabel[l.condition]}</td>
                <td>{money(l.price)}</td>
                <td>{l.photos.length}</td>
                <td>
                  {l.status}
                  {l.moderationReason ? <span class="muted"> — {l.moderationReason}</span> : null}
                </td>
                <td>{shortDate(l.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>,
  );
});

sellerPages.get("/sell/new", requirePageUser(), requirePageRole(canList, "/sell"), async (c) => {
  const q = c.req.query("q")?.trim();
  const productId = c.req.query("product");
  const found = q ? (await listProducts(c.var.deps.db, { q, limit: 8 }).catch(() => ({ items: [] }))).items : [];
  const chosen = productId
    ? await c.var.deps.db
        .select({ title: products.title })
        .from(products)
        .where(eq(products.parentAsin, productId))
        .get()
    : undefined;
  return renderPage(
    c,
    { title: "New listing", page: "sell-new" },
    <section>
      <h1>List a device</h1>
      <SellerNav current="/sell/new" />
      <Flash c={c} />
      <h2>1. Find the product in the catalog</h2>
      <form method="get" action="/sell/new" class="row">
        <label for="product-q" class="visually-hidden">
          Product
        </label>
        <input id="product-q" type="search" name="q" value={q ?? ""} placeholder="e.g. Pixel phone" />
        <button type="submit" class="secondary">
          Find
        </button>
      </form>
      {found.length ? (
        <ul class="product-picks">
          {found.map((p) => (
            <li>
              <a href={`/sell/new?product=${encodeURIComponent(p.id)}&q=${encodeURIComponent(q ?? "")}`}>{p.title}</a>{" "}
              <span class="muted">{p.brand ?? ""}</span>
            </li>
          ))}
        </ul>
      ) : q ? (
        <p class="muted">No product matches “{q}”.</p>
      ) : null}
      <h2>2. Describe your device</h2>
      <form class="stack" method="post" action="/sell/new" enctype="multipart/form-data">
        <label>
          Catalog product id
          <input name="productId" required value={productId ?? ""} maxlength={64} />
        </label>
        {chosen ? <p class="muted">Selected: {chosen.title}</p> : null}
        <label>
          Condition
          <select name="condition" required>
            {conditionGrades.map((g) => (
              <option value={g} selected={g === "good"}>
                {conditionLabel[g]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Price (USD)
          <input name="price" type="number" min="0" step="0.01" required inputmode="decimal" />
        </label>
        <label>
          Description
          <textarea name="description" rows={4} maxlength={5000} />
        </label>
        <label>
          Photo (JPEG, PNG or WebP, up to {Math.round(c.var.deps.config.PHOTO_MAX_BYTES / 1024 / 1024)} MB)
          <input name="photo" type="file" accept="image/jpeg,image/png,image/webp" />
        </label>
        <button type="submit" class="primary">
          Publish listing
        </button>
      </form>
    </section>,
  );
});

const parsePrice = (v: unknown): number | null => {
  const n = Number(String(v ?? "").trim());
  return Number.isFinite(n) && n >= 0 && n <= 1_000_000 ? Math.round(n * 100) : null;
};

const photoOf = (v: unknown): File | null => (v instanceof File && v.size > 0 ? v : null);

sellerPages.post("/sell/new", requirePageUser(), requirePageRole(canList, "/sell"), photoBodyLimit(), async (c) =>
  orBack(c, "/sell/new", async () => {
    const { deps } = c.var;
    const form = await c.req.parseBody();
    const condition = String(form.condition ?? "") as ConditionGrade;
    const priceMinor = parsePrice(form.price);
    if (!conditionGrades.includes(condition) || priceMinor === null)
      return back(c, "/sell/new", { error: "Pick a condition and enter a price." });
    const listing = await createListing(
      deps.db,
      mustPageUser(c).userId,
      {
        productId: String(form.productId ?? "").trim(),
        condition,
        price: { amountMinor: priceMinor, currency: "USD" },
        description: String(form.description ?? "")
          .trim()
          .slice(0, 5000),
        photos: [],
      },
      deps.clock(),
      deps.newId(),
    );
    const photo = photoOf(form.photo);
    const path = `/sell/listings/${encodeURIComponent(listing.id)}`;
    if (photo) {
      try {
        await uploadPhoto(c, listing.id, photo);
      } catch (err) {
        if (err instanceof DomainError || err instanceof PhotoRejectedError)
          return back(c, path, { error: `Listed, but the photo was refused: ${err.message}` });
        throw err;
      }
    }
    return back(c, path, { ok: "Your listing is live." });
  }),
);

async function uploadPhoto(c: Context<AppEnv>, listingId: string, photo: File) {
  const { deps } = c.var;
  return addListingPhoto(deps, {
    listingId,
    actor: viewer(c),
    bytes: new Uint8Array(await photo.arrayBuffer()),
    limits: { maxBytes: deps.config.PHOTO_MAX_BYTES, maxPerListing: deps.config.PHOTOS_PER_LISTING_MAX },
    photoUuid: crypto.randomUUID(),
    now: deps.clock(),
  });
}

sellerPages.get("/sell/listings/:id", requirePageUser(), requirePageRole(canList, "/sell"), async (c) => {
  const l = await findListing(c.var.deps.db, c.req.param("id"));
  const v = viewer(c);
  if (!l || (l.sellerId !== v.userId && !v.isAdmin)) return c.notFound();
  const open = l.status === "active" || l.status === "reserved";
  return renderPage(
    c,
    { title: l.productTitle || "Listing", page: "sell-listing" },
    <section>
      <h1>{l.productTitle || l.productId}</h1>
      <SellerNav current="" />
      <Flash c={c} />
      <p>
        <strong>{money(l.price)}</strong> · {conditionLabel[l.condition]} · status <strong>{l.status}</strong>
        {l.moderationReason ? <span class="alert"> Moderator: {l.moderationReason}</span> : null}
      </p>
      <p>{l.description}</p>
      <h2>Photos</h2>
      {l.photos.length ? (
        <ul class="grid">
          {l.photos.map((src, i) => (
            <li class="card">
              <img src={src} alt={`Your ${l.productTitle || "device"}, view ${i + 1}`} loading="lazy" />
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No photos yet.</p>
      )}
      {open ? (
        <>
          <form
            class="stack"
            method="post"
            action={`/sell/listings/${encodeURIComponent(l.id)}/photos`}
            enctype="multipart/form-data"
          >
            <label>
              Add a photo (JPEG, PNG or WebP)
              <input name="photo" type="file" accept="image/jpeg,image/png,image/webp" required />
            </label>
            <button type="submit" class="secondary">
              Upload photo
            </button>
          </form>
          <form method="post" action={`/sell/listings/${encodeURIComponent(l.id)}/withdraw`}>
            <button type="submit" class="secondary danger">
              Withdraw listing
            </button>
          </form>
        </>
      ) : null}
    </section>,
  );
});

sellerPages.post(
  "/sell/listings/:id/photos",
  requirePageUser(),
  requirePageRole(canList, "/sell"),
  photoBodyLimit(),
  async (c) => {
    const path = `/sell/listings/${encodeURIComponent(c.req.param("id"))}`;
    return orBack(c, path, async () => {
      const photo = photoOf((await c.req.parseBody()).photo);
      if (!photo) return back(c, path, { error: "Choose a photo to upload." });
      await uploadPhoto(c, c.req.param("id"), photo);
      return back(c, path, { ok: "Photo added." });
    });
  },
);

sellerPages.post("/sell/listings/:id/withdraw", requirePageUser(), requirePageRole(canList, "/sell"), async (c) => {
  const path = `/sell/listings/${encodeURIComponent(c.req.param("id"))}`;
  return orBack(c, path, async () => {
    await updateListing(c.var.deps.db, c.req.param("id"), viewer(c), { status: "withdrawn" }, c.var.deps.clock());
    return back(c, path, { ok: "Listing withdrawn." });
  });
});

sellerPages.get("/sell/sales", requirePageUser(), requirePageRole(canList, "/sell"), async (c) => {
  const { items } = await listSales(c.var.deps.db, mustPageUser(c).userId, { limit: 50 });
  return renderPage(
    c,
    { title: "My sales", page: "sell-sales" },
    <section>
      <h1>My sales</h1>
      <SellerNav current="/sell/sales" />
      <Flash c={c} />
      {items.length === 0 ? (
        <p>No sales yet.</p>
      ) : (
        <table class="data">
          <caption class="visually-hidden">Your sales</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Items</th>
              <th scope="col">Total</th>
              <th scope="col">Status</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {items.map((o) => (
              <tr>
                <td>
                  <code>{o.id.slice(0, 8)}</code>
                  <br />
                  <span class="muted">{shortDate(o.createdAt)}</span>
                </td>
                <td>
                  {o.items.map((i) => (
                    <div>
                      {i.title} <span class="muted">({conditionLabel[i.condition]})</span>
                    </div>
                  ))}
                </td>
                <td>{money(o.total)}</td>
                <td>
                  <strong data-sale-status>{o.status}</strong>
                </td>
                <td>
                  {allowedActions(o.status).map((a) => (
                    <form method="post" action={`/sell/sales/${encodeURIComponent(o.id)}/${a}`} class="inline">
                      <button type="submit" class="primary">
                        {a === "ship" ? "Mark shipped" : "Mark completed"}
                      </button>
                    </form>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>,
  );
});

sellerPages.post("/sell/sales/:orderId/:action", requirePageUser(), requirePageRole(canList, "/sell"), async (c) =>
  orBack(c, "/sell/sales", async () => {
    const action = c.req.param("action") as SaleAction;
    if (!saleActions.includes(action)) return c.notFound();
    const { deps } = c.var;
    await advanceSale(deps.db, {
      orderId: c.req.param("orderId"),
      sellerId: mustPageUser(c).userId,
      action,
      now: deps.clock(),
      auditId: deps.newId(),
    });
    return back(c, "/sell/sales", { ok: action === "ship" ? "Marked shipped." : "Marked completed." });
  }),
);
