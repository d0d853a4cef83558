import type { Child } from "hono/jsx";
import type { OfferSummary } from "../services/catalog/offers";
import { dollars, money, PLACEHOLDER_IMAGE, ratingText, stars } from "./format";

export interface CardProduct {
  id: string;
  title: string;
  image: string | null;
  price: number | null;
  averageRating: number | null;
  ratingCount: number;
  brand?: string | null;
}

export interface CardRec {
  /** The recommendation id (carried on the link so the product page logs the click with it). */
  id: string;
  position: number;
  /** Which surface showed it (home, similar, next). */
  from: string;
  reason?: string;
}

export const productHref = (id: string, rec?: CardRec): string =>
  rec
    ? `/p/${encodeURIComponent(id)}?rec=${encodeURIComponent(rec.id)}&pos=${rec.position}&from=${rec.from}`
    : `/p/${encodeURIComponent(id)}`;

export function Stars(props: { avg: number | null; n: number }) {
  if (props.avg === null || props.n === 0) return <span class="muted">No ratings yet</span>;
  return (
    <span class="muted">
      <span class="stars" aria-hidden="true">
        {stars(props.avg)}
      </span>{" "}
      <span>{ratingText(props.avg, props.n)}</span>
    </span>
  );
}

/** One product in a grid: image, title, price, rating, used offers, and (recommendations) the reason. */
export function ProductCard(props: {
  product: CardProduct;
  offers?: OfferSummary;
  rec?: CardRec;
  /** Shows a "Not interested" button (home feed: removes the card in place with JavaScript). */
  notInterested?: boolean;
  children?: Child;
}) {
  const { product: p, rec, offers } = props;
  const href = productHref(p.id, rec);
  return (
    <li class="card" data-product={p.id}>
      <img src={p.image ?? PLACEHOLDER_IMAGE} alt="" loading="lazy" width="200" height="200" />
      <h3>
        <a href={href}>{p.title}</a>
      </h3>
      {rec?.reason ? <span class="reason">{rec.reason}</span> : null}
      <Stars avg={p.averageRating} n={p.ratingCount} />
      <div class="actions">
        <span class="price">{dollars(p.price) ?? ""}</span>
        {offers ? (
          <span class="muted">{`${offers.count} used from ${money(offers.fromMinor, offers.currency)}`}</span>
        ) : null}
      </div>
      {props.notInterested && rec ? (
        <form action="/feedback/not-interested" method="post" data-inplace="remove-card">
          <input type="hidden" name="item" value={p.id} />
          <input type="hidden" name="rec" value={rec.id} />
          <button type="submit" class="link">
            Not interested
          </button>
        </form>
      ) : null}
      {props.children}
    </li>
  );
}
