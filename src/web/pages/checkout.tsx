import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context";
import { DomainError } from "../../domain/errors";
import { getCart } from "../../services/cart/cart";
import { payAndPlaceOrder } from "../../services/orders/pay-and-place";
import { trackPageEvents } from "../events";
import { conditionName, money } from "../format";
import { mustPageUser } from "../page-auth";
import { renderPage } from "../render";

const text = (max: number) => z.string().trim().min(1, "is required").max(max);

/** The checkout form: shipping address, then the card (passed to the Payments port, never stored). */
const CheckoutForm = z.object({
  idempotency_key: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "is missing: reload the page"),
  name: text(100),
  line1: text(200),
  line2: z.string().trim().max(200).optional(),
  city: text(100),
  postal_code: text(20),
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, "must be a two-letter country code")
    .transform((v) => v.toUpperCase()),
  card_number: z
    .string()
    .transform((v) => v.replace(/[\s-]/g, ""))
    .pipe(z.string().regex(/^\d{12,19}$/, "must be 12 to 19 digits")),
  card_exp: z
    .string()
    .trim()
    .regex(/^(0[1-9]|1[0-2])\s*\/\s*(\d{2}|\d{4})$/, "must look like MM/YY"),
  card_cvc: z
    .string()
    .trim()
    .regex(/^\d{3,4}$/, "must be 3 or 4 digits"),
  card_holder: text(100),
});
type Values = Partial<Record<keyof z.infer<typeof CheckoutForm>, string>>;

const labels: Record<string, string> = {
  name: "Full name",
  line1: "Address",
  line2: "Address line 2",
  city: "City",
  postal_code: "Postal code",
  country: "Country",
  card_number: "Card number",
  card_exp: "Expiry",
  card_cvc: "Security code",
  card_holder: "Name on card",
};

function Field(props: {
  name: keyof Values;
  values: Values;
  errors: Record<string, string>;
  autocomplete: string;
  optional?: boolean;
  type?: string;
  inputmode?: "numeric";
}) {
  const err = props.errors[props.name];
  const id = `f-${props.name}`;
  return (
    <label for={id}>
      {labels[props.name]}
      {props.optional ? <span class="muted"> (optional)</span> : null}
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.name.startsWith("card_") ? "" : (props.values[props.name] ?? "")}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        required={!props.optional}
        aria-invalid={err ? "true" : undefined}
        aria-describedby={err ? `${id}-err` : undefined}
      />
      {err ? (
        <span id={`${id}-err`} class="alert">
          {`${labels[props.name]} ${err}`}
        </span>
      ) : null}
    </label>
  );
}

async function render(
  c: Context<AppEnv>,
  values: Values,
  errors: Record<string, string>,
  problem: string | null,
  status: 200 | 409 | 422,
) {
  const user = mustPageUser(c);
  const { db, payments } = c.var.deps;
  const cart = await getCart(db, user.userId);
  if (cart.items.length === 0) return c.redirect("/cart", 303);
  const key = values.idempotency_key ?? crypto.randomUUID();
  return renderPage(
    c,
    { title: "Checkout", page: "checkout", cartCount: cart.items.length, status },
    <section aria-labelledby="checkout-title">
      <h1 id="checkout-title">Checkout</h1>
      {problem && cart.totals.length <= 1 ? (
        <p class="alert" role="alert">
          {problem}
        </p>
      ) : null}
      {cart.totals.length > 1 ? (
        // One order is paid in one currency (no conversion): say so before the shopper fills anything in.
        <p class="alert" role="alert" data-mixed-currencies>
          {`Your cart holds items priced in ${cart.totals.map((t) => t.currency).join(" and ")}: one order is paid in one currency. `}
          <a href="/cart">Remove the items in the other currencies from your cart</a>, check out, then buy them in a
          second order.
        </p>
      ) : null}
      <div class="checkout">
        <form method="post" action="/checkout" class="stack" novalidate>
          <input type="hidden" name="idempotency_key" value={key} />
          <fieldset class="stack">
            <legend>
              <h2>Shipping address</h2>
            </legend>
            <Field name="name" values={values} errors={errors} autocomplete="shipping name" />
            <Field name="line1" values={values} errors={errors} autocomplete="shipping address-line1" />
            <Field name="line2" values={values} errors={errors} autocomplete="shipping address-line2" optional />
            <Field name="city" values={values} errors={errors} autocomplete="shipping address-level2" />
            <Field name="postal_code" values={values} errors={errors} autocomplete="shipping postal-code" />
            <Field name="country" values={values} errors={errors} autocomplete="shipping country" />
          </fieldset>
          <fieldset class="stack">
            <legend>
              <h2>Payment</h2>
            </legend>
            {payments.mode === "test" ? (
              <p class="test-mode">
                <strong>Test mode:</strong> no money moves. Use card 4242 4242 4242 4242 with any future expiry and any
                CVC; 4000 0000 0000 0002 is declined.
              </p>
            ) : null}
            <Field name="card_holder" values={values} errors={errors} autocomplete="cc-name" />
            <Field name="card_number" values={values} errors={errors} autocomplete="cc-number" inputmode="numeric" />
            <Field name="card_exp" values={values} errors={errors} autocomplete="cc-exp" />
            <Field name="card_cvc" values={values} errors={errors} autocomplete="cc-csc" inputmode="numeric" />
          </fieldset>
          <button type="submit" class="primary">
            Place order and pay
          </button>
        </form>
        <aside class="summary" aria-labelledby="summary-title">
          <h2 id="summary-title">Your items</h2>
          <ul>
            {cart.items.map((i) => (
              <li>{`${i.listing.productTitle} — ${conditionName(i.listing.condition)}, ${money(i.listing.price.amountMinor, i.listing.price.currency)}${i.available ? "" : " (no longer available)"}`}</li>
            ))}
          </ul>
          {cart.totals.map((t) => (
            <p class="price">{`To pay: ${money(t.amountMinor, t.currency)}`}</p>
          ))}
        </aside>
      </div>
    </section>,
  );
}

export const checkoutPage = (c: Context<AppEnv>) => render(c, {}, {}, null, 200);

/** POST /checkout: validate, pay through the Payments port and place the order; errors re-render the form. */
export async function checkoutAction(c: Context<AppEnv>) {
  const user = mustPageUser(c);
  const body = await c.req.parseBody();
  const raw: Values = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") raw[k as keyof Values] = v;
  const parsed = CheckoutForm.safeParse(raw);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
    return render(c, raw, errors, "Please correct the highlighted fields.", 422);
  }
  const f = parsed.data;
  const [mm, yy] = f.card_exp.split("/").map((s) => Number(s.trim()));
  try {
    const paid = await payAndPlaceOrder(c.var.deps, {
      buyerId: user.userId,
      idempotencyKey: f.idempotency_key,
      shipping: {
        name: f.name,
        line1: f.line1,
        line2: f.line2 || undefined,
        city: f.city,
        postalCode: f.postal_code,
        country: f.country,
      },
      card: {
        number: f.card_number,
        expMonth: mm!,
        expYear: yy! < 100 ? 2000 + yy! : yy!,
        cvc: f.card_cvc,
        holder: f.card_holder,
      },
    });
    if (!paid.replayed)
      await trackPageEvents(
        c,
        paid.order.items.map((i) => ({
          type: "purchase" as const,
          itemId: i.productId,
          listingId: i.listingId,
          context: {
            page: "checkout",
            orderId: paid.order.id,
            priceMinor: i.price.amountMinor,
            currency: i.price.currency,
          },
        })),
      );
    return c.redirect(`/orders/${encodeURIComponent(paid.order.id)}?placed=1`, 303);
  } catch (err) {
    // Nothing was placed: the next attempt (another card, a changed cart) gets a fresh idempotency key, or the
    // provider would answer it with this attempt's outcome.
    if (err instanceof DomainError && (err.kind === "unprocessable" || err.kind === "conflict"))
      return render(c, { ...raw, idempotency_key: undefined }, {}, err.message, err.kind === "conflict" ? 409 : 422);
    throw err;
  }
}
