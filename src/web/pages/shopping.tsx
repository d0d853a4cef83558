import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context";
import { InvalidInputError } from "../../domain/errors";
import { addToCart, getCart, removeFromCart } from "../../services/cart/cart";
import { addFavorite, listFavorites, removeFavorite } from "../../services/favorites/favorites";
import { getOrder, listOrders, type OrderView } from "../../services/orders/orders";
import { orderPayment } from "../../services/orders/pay-and-place";
import { productHref } from "../components";
import { trackPageEvents } from "../events";
import { conditionName, money, PLACEHOLDER_IMAGE, shortDate } from "../format";
import { mustPageUser, safeNext } from "../page-auth";
import { renderPage } from "../render";

const wantsJson = (c: Context<AppEnv>) => (c.req.header("accept") ?? "").includes("application/json");

async function form(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
  return out;
}

const idField = z.string().min(1).max(100);

/** POST /cart: add a listing (the product page's "Add to cart"); logs a cart event. */
export async function addToCartAction(c: Context<AppEnv>) {
  const user = mustPageUser(c);
  const f = await form(c);
  const listing = idField.safeParse(f.listing);
  if (!listing.success) throw new InvalidInputError("invalid_request", "no listing given");
  const { deps } = c.var;
  const { created, listing: l } = await addToCart(deps.db, user.userId, listing.data, deps.clock());
  if (created)
    await trackPageEvents(c, [{ type: "cart", itemId: l.productId, listingId: l.id, context: { page: "product" } }]);
  return c.redirect(`/p/${encodeURIComponent(l.productId)}?added=cart`, 303);
}

/** POST /cart/remove */
export async function removeFromCartAction(c: Context<AppEnv>) {
  const user = mustPageUser(c);
  const listing = idField.safeParse((await form(c)).listing);
  if (!listing.success) throw new InvalidInputError("invalid_request", "no listing given");
  await removeFromCart(c.var.deps.db, user.userId, listing.data);
  return c.redirect("/cart", 303);
}

const reasonText = {
  sold: "Sold to someone else",
  reserved: "Reserved",
  withdrawn: "Withdrawn by the seller",
  own_listing: "Your own listing",
};

export async function cartPage(c: Context<AppEnv>) {
  const user = mustPageUser(c);
  const cart = await getCart(c.var.deps.db, user.userId);
  const available = cart.items.filter((i) => i.available);
  return renderPage(
    c,
    { title: "Cart", page: "cart", cartCount: cart.items.length },
    <section aria-labelledby="cart-title">
      <h1 id="cart-title">Your cart</h1>
      {cart.items.length === 0 ? (
        <p>
          Your cart is empty. <a href="/">Find something</a>.
        </p>
      ) : (
        <table class="data">
          <caption class="visually-hidden">Items in your cart</caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Condition</th>
              <th scope="col">Price</th>
              <th scope="col">
                <span class="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {cart.items.map((i) => (
              <tr>
                <td>
                  <a href={productHref(i.listing.productId)}>{i.listing.productTitle}</a>
                  {i.reason ? <p class="alert">{reasonText[i.reason]}</p> : null}
                </td>
                <td>{conditionName(i.listing.condition)}</td>
                <td>{money(i.listing.price.amountMinor, i.listing.price.currency)}</td>
                <td>
                  <form action="/cart/remove" method="post">
                    <input type="hidden" name="listing" value={i.listing.id} />
                    <button type="submit" class="link" aria-label={`Remove ${i.listing.productTitle}`}>
                      Remove
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cart.totals.map((t) => (
        <p class="price">{`Total: ${money(t.amountMinor, t.currency)}`}</p>
      ))}
      {available.length > 0 ? (
        <p>
          <a class="primary" href="/checkout">
            Proceed to checkout
          </a>
        </p>
      ) : null}
    </section>,
  );
}

/** POST /favorites: save or unsave a product (`intent` add/remove); in place with JavaScript, else a redirect back. */
export async function favoriteAction(c: Context<AppEnv>) {
  const user = mustPageUser(c);
  const f = await form(c);
  const product = idField.safeParse(f.product);
  if (!product.success) throw new InvalidInputError("invalid_request", "no product given");
  const { deps } = c.var;
  if (f.intent === "remove") await removeFavorite(deps.db, user.userId, "product", product.data);
  else {
    const { created } = await addFavorite(deps.db, user.userId, "product", product.data, deps.clock());
    if (created) await trackPageEvents(c, [{ type: "favorite", itemId: product.data, context: { page: "product" } }]);
  }
  if (wantsJson(c)) return c.json({ saved: f.intent !== "remove" });
  const back = safeNext(f.back, "/favorites");
  return c.redirect(f.intent === "remove" ? back : `${back}${back.includes("?") ? "&" : "?"}saved=1`, 303);
}

export async function favoritesPage(c: Context<AppEnv>) {
  const user = mustPageUser(c);
  const cursor = c.req.query("cursor") || undefined;
  const page = await listFavorites(c.var.deps.db, user.userId, { limit: 48, cursor });
  return renderPage(
    c,
    { title: "Favorites", page: "favorites" },
    <section aria-labelledby="fav-title">
      <h1 id="fav-title">Favorites</h1>
      {page.items.length === 0 ? <p>Nothing saved yet. Use “Save” on a product to find it here again.</p> : null}
      <ul class="grid">
        {page.items.map((f) => (
          <li class="card">
            <img
              src={f.product?.image ?? f.listing?.productImage ?? PLACEHOLDER_IMAGE}
              alt=""
              width="200"
              height="200"
              loading="lazy"
            />
            <h3>
              <a href={productHref(f.productId)}>{f.product?.title ?? f.listing?.productTitle ?? f.productId}</a>
            </h3>
            {f.listing ? (
              <p class="muted">{`${conditionName(f.listing.condition)} · ${money(f.listing.price.amountMinor, f.listing.price.currency)}`}</p>
            ) : null}
            <p class="muted">{`Saved ${shortDate(f.createdAt)}`}</p>
            {f.type === "product" ? (
              <form action="/favorites" method="post">
                <input type="hidden" name="product" value={f.id} />
                <input type="hidden" name="intent" value="remove" />
                <input type="hidden" name="back" value="/favorites" />
                <button type="submit" class="link">
                  Remove
                </button>
              </form>
            ) : null}
          </li>
        ))}
      </ul>
      {page.nextCursor ? (
        <p class="more">
          <a class="secondary" href={`/favorites?cursor=${encodeURIComponent(page.nextCursor)}`}>
            More
          </a>
        </p>
      ) : null}
    </section>,
  );
}

/** The order's steps; a status the seller flow adds later than these still shows (as the current step). */
const STEPS = [
  { status: "placed", label: "Placed and paid" },
  { status: "shipped", label: "Shipped" },
  { status: "completed", label: "Delivered" },
] as const;

export function Timeline(props: { order: OrderView }) {
  const status = props.order.status as string;
  const at = STEPS.findIndex((s) => s.status === status);
  const cancelled = status === "cancelled";
  return (
    <ol class="timeline" aria-label="Order status">
      {STEPS.map((s, i) => (
        <li class={`${i <= at ? "done" : ""} ${i === at ? "now" : ""}`} aria-current={i === at ? "step" : undefined}>
          {s.label}
          {i === 0 ? <span class="muted">{` · ${shortDate(props.order.createdAt)}`}</span> : null}
        </li>
      ))}
      {at === -1 ? <li class="done now">{cancelled ? "Cancelled" : status}</li> : null}
    </ol>
  );
}

export async function ordersPage(c: Context<AppEnv>) {
  const user = mustPageUser(c);
  const page = await listOrders(c.var.deps.db, user.userId, "buyer", 20, c.req.query("cursor") || undefined);
  return renderPage(
    c,
    { title: "Orders", page: "orders" },
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">Your orders</h1>
      {page.items.length === 0 ? <p>No orders yet.</p> : null}
      {page.items.map((o) => (
        <article class="buybox order-card">
          <h2>
            <a href={`/orders/${encodeURIComponent(o.id)}`}>{`Order of ${shortDate(o.createdAt)}`}</a>
          </h2>
          <p>{`${o.items.length} item${o.items.length === 1 ? "" : "s"} · ${money(o.total.amountMinor, o.total.currency)}`}</p>
          <Timeline order={o} />
        </article>
      ))}
      {page.nextCursor ? (
        <p class="more">
          <a class="secondary" href={`/orders?cursor=${encodeURIComponent(page.nextCursor)}`}>
            Older orders
          </a>
        </p>
      ) : null}
    </section>,
  );
}

export async function orderPage(c: Context<AppEnv>) {
  const user = mustPageUser(c);
  const order = await getOrder(c.var.deps.db, c.req.param("id") ?? "", user.userId, false);
  const paid = await orderPayment(c.var.deps.db, order.id);
  const placed = c.req.query("placed") === "1";
  return renderPage(
    c,
    { title: "Order", page: "order" },
    <section aria-labelledby="order-title">
      {placed ? (
        <p class="notice" role="status">
          Thank you! Your order is placed.
        </p>
      ) : null}
      <h1 id="order-title">{`Order ${order.id.slice(0, 8)}`}</h1>
      <Timeline order={order} />
      <table class="data">
        <caption class="visually-hidden">Items in this order</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Condition</th>
            <th scope="col">Price</th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((i) => (
            <tr>
              <td>
                <a href={productHref(i.productId)}>{i.title}</a>
              </td>
              <td>{conditionName(i.condition)}</td>
              <td>{money(i.price.amountMinor, i.price.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="price">{`Total: ${money(order.total.amountMinor, order.total.currency)}`}</p>
      {paid ? (
        <div class="checkout-facts">
          <h2>Shipping to</h2>
          <address>
            {paid.shipping.name}
            <br />
            {paid.shipping.line1}
            {paid.shipping.line2 ? (
              <>
                <br />
                {paid.shipping.line2}
              </>
            ) : null}
            <br />
            {`${paid.shipping.postalCode} ${paid.shipping.city}, ${paid.shipping.country}`}
          </address>
          <h2>Payment</h2>
          <p>
            {`${paid.payment.brand} ending in ${paid.payment.last4}`}
            {paid.payment.mode === "test" ? <span class="test-mode"> test mode: no money moved</span> : null}
          </p>
        </div>
      ) : null}
      <p>
        <a href="/orders">All orders</a>
      </p>
    </section>,
  );
}
