import { eq } from "drizzle-orm";
import { Hono } from "hono";
import type { Context } from "hono";
import type { PermissionRequest } from "../../../auth/permissions";
import type { AppEnv } from "../../../context";
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
import { parseMoneyInput } from "../../format";
import {
  back,
  Flash,
  money,
  orBack as orBackFor,
  requirePageRole,
  shortDate,
  SubNav,
  TableScroll,
} from "../page-guards";
import { readPhotoForm } from "./photo-form";

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

/** A refused photo is the seller's to fix, like a domain error: back to the form with its message. */
const orBack = (c: Context<AppEnv>, path: string, fn: () => Promise<Response>): Promise<Response> =>
  orBackFor(c, path, fn, (err): err is Error => err instanceof PhotoRejectedError);

const NAV_LINKS = [
  ["/sell/listings", "My listings"],
  ["/sell/new", "New listing"],
  ["/sell/sales", "My sales"],
] as const;

function SellerNav(props: { current: string }) {
  return <SubNav label="Seller" links={NAV_LINKS} current={props.current} />;
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
        <TableScroll label="Your listings">
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
        </TableScroll>
      )}
    </section>,
  );
});

/** Currencies a seller may price a listing in (the API takes any ISO 4217 code; a cart checks out one at a time). */
const LISTING_CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD", "JPY"] as const;

interface NewListingValues {
  productId: string;
  condition: string;
  price: string;
  currency: string;
  description: string;
}
/** Errors shown next to their fields; `form` above the form (e.g. the catalog has no such product). */
type FieldErrors = Partial<Record<"form" | "productId" | "price" | "photo", string>>;

const EMPTY_LISTING: NewListingValues = {
  productId: "",
  condition: "good",
  price: "",
  currency: "USD",
  description: "",
};

/** A field's error message, tied to its input by id (aria-describedby), so screen readers read it with the field. */
function FieldError(props: { id: string; message?: string }) {
  return props.message ? (
    <p id={props.id} class="field-error" role="alert">
      {props.message}
    </p>
  ) : null;
}

const invalid = (id: string, message?: string) =>
  message ? { "aria-invalid": "true", "aria-describedby": id } : ({} as Record<string, string>);

const maxPhotoText = (maxBytes: number) => `${Math.round((maxBytes / 1024 / 1024) * 10) / 10} MB`;

/**
 * Step 2 of a new listing. The photo input is the last field: a browser sends the fields in this order, so an
 * oversized photo still lets the server read (and keep) everything above it (photo-form.ts).
 */
function NewListingForm(props: { v: NewListingValues; errors: FieldErrors; maxBytes: number; chosen?: string }) {
  const { v, errors: e } = props;
  return (
    <form class="stack" method="post" action="/sell/new" enctype="multipart/form-data" data-photo-form>
      {e.form ? (
        <p class="alert" role="alert">
          {e.form}
        </p>
      ) : null}
      <label>
        Catalog product id
        <input
          name="productId"
          required
          value={v.productId}
          maxlength={64}
          {...invalid("productId-error", e.productId)}
        />
      </label>
      <FieldError id="productId-error" message={e.productId} />
      {props.chosen ? <p class="muted">Selected: {props.chosen}</p> : null}
      <label>
        Condition
        <select name="condition" required>
          {conditionGrades.map((g) => (
            <option value={g} selected={g === v.condition}>
              {conditionLabel[g]}
            </option>
          ))}
        </select>
      </label>
      <div class="price-fields">
        <label>
          Price
          <input
            name="price"
            type="number"
            min="0"
            step="0.01"
            required
            inputmode="decimal"
            value={v.price}
            {...invalid("price-error", e.price)}
          />
        </label>
        <label>
          Currency
          <select name="currency" required>
            {LISTING_CURRENCIES.map((cur) => (
              <option value={cur} selected={cur === v.currency}>
                {cur}
              </option>
            ))}
          </select>
        </label>
      </div>
      <FieldError id="price-error" message={e.price} />
      <label>
        Description
        <textarea name="description" rows={4} maxlength={5000}>
          {v.description}
        </textarea>
      </label>
      <label>
        Photo (JPEG, PNG or WebP, up to {maxPhotoText(props.maxBytes)})
        <input
          name="photo"
          type="file"
          accept="image/jpeg,image/png,image/webp"
          data-max-bytes={String(props.maxBytes)}
          {...invalid("photo-error", e.photo)}
        />
      </label>
      <FieldError id="photo-error" message={e.photo} />
      <button type="submit" class="primary">
        Publish listing
      </button>
    </form>
  );
}

async function newListingPage(
  c: Context<AppEnv>,
  v: NewListingValues,
  errors: FieldErrors,
  status: 200 | 400 | 404 | 409 | 413 | 415 | 422 = 200,
) {
  const q = c.req.query("q")?.trim();
  const found = q ? (await listProducts(c.var.deps.db, { q, limit: 8 }).catch(() => ({ items: [] }))).items : [];
  const chosen = v.productId
    ? await c.var.deps.db
        .select({ title: products.title })
        .from(products)
        .where(eq(products.parentAsin, v.productId))
        .get()
    : undefined;
  const res = await renderPage(
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
      <NewListingForm v={v} errors={errors} maxBytes={c.var.deps.config.PHOTO_MAX_BYTES} chosen={chosen?.title} />
    </section>,
  );
  return status === 200 ? res : new Response(res.body, { status, headers: res.headers });
}

sellerPages.get("/sell/new", requirePageUser(), requirePageRole(canList, "/sell"), (c) =>
  newListingPage(c, { ...EMPTY_LISTING, productId: c.req.query("product") ?? "" }, {}),
);

/**
 * A new listing: everything is checked before anything is stored (a refused photo lists nothing), and a refusal
 * renders the form again with the typed values and the error beside its field, with the error's own status
 * (413/415 for the photo), so it works the same without JavaScript.
 */
sellerPages.post("/sell/new", requirePageUser(), requirePageRole(canList, "/sell"), async (c) => {
  const { deps } = c.var;
  const { fields, photo, photoError } = await readPhotoForm(c.req.raw, deps.config.PHOTO_MAX_BYTES);
  const currency = (LISTING_CURRENCIES as readonly string[]).includes(fields.currency ?? "")
    ? (fields.currency as string)
    : "USD";
  const v: NewListingValues = {
    productId: (fields.productId ?? "").trim(),
    condition: conditionGrades.includes(fields.condition as ConditionGrade) ? (fields.condition as string) : "good",
    price: fields.price ?? "",
    currency,
    description: (fields.description ?? "").trim().slice(0, 5000),
  };
  const priceMinor = parseMoneyInput(v.price, currency);
  const errors: FieldErrors = {};
  if (!v.productId) errors.productId = "Pick a product from the catalog (step 1) or enter its id.";
  if (priceMinor === null)
    errors.price = `Enter a price in ${currency}, e.g. ${currency === "JPY" ? "25000" : "249.99"}.`;
  if (photoError) errors.photo = photoError.message;
  if (errors.productId || errors.price || errors.photo) return newListingPage(c, v, errors, photoError?.status ?? 422);
  let listing: Awaited<ReturnType<typeof createListing>>;
  try {
    listing = await createListing(
      deps.db,
      mustPageUser(c).userId,
      {
        productId: v.productId,
        condition: v.condition as ConditionGrade,
        price: { amountMinor: priceMinor!, currency },
        description: v.description,
        photos: [],
      },
      deps.clock(),
      deps.newId(),
    );
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const onProduct = err.code === "unknown_product";
    return newListingPage(
      c,
      v,
      onProduct ? { productId: `The catalog has no product “${v.productId}”.` } : { form: err.message },
      onProduct ? 404 : 422,
    );
  }
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
});

async function uploadPhoto(c: Context<AppEnv>, listingId: string, photo: Uint8Array) {
  const { deps } = c.var;
  return addListingPhoto(deps, {
    listingId,
    actor: viewer(c),
    bytes: photo,
    limits: { maxBytes: deps.config.PHOTO_MAX_BYTES, maxPerListing: deps.config.PHOTOS_PER_LISTING_MAX },
    photoUuid: crypto.randomUUID(),
    now: deps.clock(),
  });
}

/** A seller's listing page; `photoError` re-renders it after a refused upload, the error beside the input. */
async function listingPage(c: Context<AppEnv>, photoError?: { message: string; status: 400 | 409 | 413 | 415 }) {
  const l = await findListing(c.var.deps.db, c.req.param("id") ?? "");
  const v = viewer(c);
  if (!l || (l.sellerId !== v.userId && !v.isAdmin)) return c.notFound();
  const open = l.status === "active" || l.status === "reserved";
  const maxBytes = c.var.deps.config.PHOTO_MAX_BYTES;
  const res = await renderPage(
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
            data-photo-form
          >
            <label>
              Add a photo (JPEG, PNG or WebP, up to {maxPhotoText(maxBytes)})
              <input
                name="photo"
                type="file"
                accept="image/jpeg,image/png,image/webp"
                required
                data-max-bytes={String(maxBytes)}
                {...invalid("photo-error", photoError?.message)}
              />
            </label>
            <FieldError id="photo-error" message={photoError?.message} />
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
  return photoError ? new Response(res.body, { status: photoError.status, headers: res.headers }) : res;
}

sellerPages.get("/sell/listings/:id", requirePageUser(), requirePageRole(canList, "/sell"), (c) => listingPage(c));

sellerPages.post("/sell/listings/:id/photos", requirePageUser(), requirePageRole(canList, "/sell"), async (c) => {
  const { photo, photoError } = await readPhotoForm(c.req.raw, c.var.deps.config.PHOTO_MAX_BYTES);
  if (photoError) return listingPage(c, photoError);
  if (!photo) return listingPage(c, { message: "Choose a photo to upload.", status: 400 });
  try {
    await uploadPhoto(c, c.req.param("id"), photo);
  } catch (err) {
    if (err instanceof PhotoRejectedError)
      return listingPage(c, { message: err.message, status: err.code === "photo_too_large" ? 413 : 415 });
    if (err instanceof DomainError && err.kind !== "not_found")
      return listingPage(c, { message: err.message, status: err.kind === "conflict" ? 409 : 400 });
    throw err;
  }
  return back(c, `/sell/listings/${encodeURIComponent(c.req.param("id"))}`, { ok: "Photo added." });
});

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
        <TableScroll label="Your sales">
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
        </TableScroll>
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
