import type { Context } from "hono";
import type { AppEnv } from "../../context";
import type { RecItem } from "../../recsys/feed/feed-service";
import type { offerSummaries } from "../../services/catalog/offers";
import type { ProductDetail } from "../../services/catalog/product-detail";
import { hasFavorite } from "../../services/favorites/favorites";
import { ProductCard, Stars } from "../components";
import { trackPageEvents, recommendationClick } from "../events";
import { conditionName, dollars, money, PLACEHOLDER_IMAGE, shortDate } from "../format";
import { pageUser } from "../page-auth";
import { renderPage } from "../render";
import { productDetail, recommendationsFor } from "../data/product-page";
import { notFoundPage } from "./not-found";
import { categoryHref } from "./search";

interface ImageRef {
  large?: string;
  thumb?: string;
  hi_res?: string | null;
}

const imagesOf = (p: ProductDetail): ImageRef[] =>
  (p.images as ImageRef[]).filter((i) => i && typeof i === "object" && typeof i.large === "string").slice(0, 6);

function RecRow(props: {
  title: string;
  from: string;
  items: RecItem[];
  images: Map<string, string | null>;
  offers: Awaited<ReturnType<typeof offerSummaries>>;
}) {
  if (props.items.length === 0) return null;
  const id = `recs-${props.from}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{props.title}</h2>
      <ul class="grid">
        {props.items.map((i, n) => (
          <ProductCard
            product={{
              id: i.productId,
              title: i.title,
              image: props.images.get(i.productId) ?? null,
              price: i.price,
              averageRating: i.averageRating,
              ratingCount: i.ratingCount,
            }}
            offers={props.offers.get(i.productId)}
            rec={{ id: i.recommendationId, position: n, from: props.from, reason: i.reason }}
          />
        ))}
      </ul>
    </section>
  );
}

function Histogram(props: { stats: ProductDetail["ratingStats"] }) {
  const { histogram, count } = props.stats;
  return (
    <div class="histogram">
      {(["5", "4", "3", "2", "1"] as const).map((s) => {
        const n = histogram[s];
        const pct = count === 0 ? 0 : Math.round((n / count) * 100);
        return (
          <div class="bar">
            <span>{`${s} star`}</span>
            <meter min={0} max={100} value={pct} aria-label={`${s} star: ${pct}% of reviews`} />
            <span class="muted">{`${pct}%`}</span>
          </div>
        );
      })}
    </div>
  );
}

/**
 * The product page: images, price, rating and histogram, features and details, reviews, the used listings by
 * condition and price (add to cart), "similar" and "next" recommendations. Logs a view, and a click when the
 * visitor came from a recommendation (its id travels on the link).
 */
export async function productPage(c: Context<AppEnv>) {
  const id = c.req.param("id") ?? "";
  const { db } = c.var.deps;
  const product = id.length <= 40 ? await productDetail(c.var.deps, id) : null;
  if (!product) return notFoundPage(c, "product");
  const user = pageUser(c);
  const click = recommendationClick(c, product.id);
  const [recs, saved] = await Promise.all([
    recommendationsFor(c, product.id),
    user ? hasFavorite(db, user.userId, "product", product.id) : Promise.resolve(false),
    trackPageEvents(c, [{ type: "view", itemId: product.id, context: { page: "product" } }, ...(click ? [click] : [])]),
  ]);
  const images = imagesOf(product);
  const main = images[0]?.large ?? product.image ?? PLACEHOLDER_IMAGE;
  const listingsByCondition = [...product.activeListings].sort(
    (a, b) => a.condition.localeCompare(b.condition) || a.price.amountMinor - b.price.amountMinor,
  );
  const notice =
    c.req.query("added") === "cart"
      ? "Added to your cart."
      : c.req.query("saved") === "1"
        ? "Saved to your favorites."
        : null;
  return renderPage(
    c,
    { title: product.title, page: "product", mainData: { product: product.id } },
    <>
      {notice ? (
        <p class="notice" role="status">
          {notice} {c.req.query("added") === "cart" ? <a href="/cart">Go to cart</a> : null}
        </p>
      ) : null}
      <div class="product">
        <div class="gallery">
          <img src={main} alt={product.title} width="420" height="420" fetchpriority="high" />
          {images.length > 1 ? (
            <div class="thumbs">
              {images.slice(1).map((img, n) => (
                <img
                  src={img.thumb ?? img.large}
                  alt={`${product.title}, view ${n + 2}`}
                  width="64"
                  height="64"
                  loading="lazy"
                />
              ))}
            </div>
          ) : null}
        </div>
        <div>
          {product.categoryPath ? (
            <p class="muted">
              <a href={categoryHref(product.categoryPath)}>{product.categoryPath}</a>
            </p>
          ) : null}
          <h1>{product.title}</h1>
          {product.brand ? <p class="muted">{`Brand: ${product.brand}`}</p> : null}
          <p>
            <Stars
              avg={product.ratingStats.average ?? product.averageRating}
              n={product.ratingStats.count || product.ratingCount}
            />
          </p>
          <p class="price">{dollars(product.price) ? `New: ${dollars(product.price)}` : "New price unknown"}</p>
          <form
            action="/favorites"
            method="post"
            data-inplace="toggle"
            data-on={saved ? "1" : "0"}
            data-on-label="Saved ♥"
            data-off-label="Save ♡"
          >
            <input type="hidden" name="product" value={product.id} />
            <input type="hidden" name="intent" value={saved ? "remove" : "add"} />
            <input type="hidden" name="back" value={`/p/${product.id}`} />
            <button type="submit" class="secondary" aria-pressed={saved ? "true" : "false"}>
              {saved ? "Saved ♥" : "Save ♡"}
            </button>
          </form>
          <section class="buybox" aria-labelledby="offers-title">
            <h2 id="offers-title">Used offers</h2>
            {listingsByCondition.length === 0 ? (
              <p>No used offers right now. Save it to find it again later.</p>
            ) : (
              <table class="data">
                <caption class="visually-hidden">Used offers by condition and price</caption>
                <thead>
                  <tr>
                    <th scope="col">Condition</th>
                    <th scope="col">Price</th>
                    <th scope="col">Listed</th>
                    <th scope="col">
                      <span class="visually-hidden">Action</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {listingsByCondition.map((l) => (
                    <tr>
                      <td>{conditionName(l.condition)}</td>
                      <td>{money(l.price.amountMinor, l.price.currency)}</td>
                      <td>{shortDate(l.createdAt)}</td>
                      <td>
                        {user?.userId === l.sellerId ? (
                          <span class="muted">Your listing</span>
                        ) : (
                          <form action="/cart" method="post">
                            <input type="hidden" name="listing" value={l.id} />
                            <button
                              type="submit"
                              class="primary"
                              aria-label={`Add to cart: ${conditionName(l.condition)}, ${money(l.price.amountMinor, l.price.currency)}`}
                            >
                              Add to cart
                            </button>
                          </form>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>
      </div>
      {product.features.length > 0 ? (
        <section aria-labelledby="features-title">
          <h2 id="features-title">Features</h2>
          <ul>
            {product.features.slice(0, 12).map((f) => (
              <li>{f}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {product.description.length > 0 ? (
        <section aria-labelledby="description-title">
          <h2 id="description-title">Description</h2>
          {product.description.slice(0, 4).map((d) => (
            <p>{d}</p>
          ))}
        </section>
      ) : null}
      {Object.keys(product.details).length > 0 ? (
        <section aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          <table class="data">
            <tbody>
              {Object.entries(product.details)
                .slice(0, 20)
                .map(([k, v]) => (
                  <tr>
                    <th scope="row">{k}</th>
                    <td>{typeof v === "string" || typeof v === "number" ? String(v) : JSON.stringify(v)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </section>
      ) : null}
      <section aria-labelledby="reviews-title">
        <h2 id="reviews-title">Ratings and reviews</h2>
        <Histogram stats={product.ratingStats} />
        {product.recentReviews.length === 0 ? <p>No reviews yet.</p> : null}
        {product.recentReviews.map((r) => (
          <article class="review">
            <h3>
              <span class="stars" aria-hidden="true">
                {"★".repeat(Math.round(r.rating)) + "☆".repeat(5 - Math.round(r.rating))}
              </span>{" "}
              <span class="visually-hidden">{`${r.rating} out of 5:`}</span>
              {r.title ?? ""}
            </h3>
            <p class="muted">
              {shortDate(r.timestamp)}
              {r.verifiedPurchase ? " · Verified purchase" : ""}
            </p>
            <p>{r.text ?? ""}</p>
          </article>
        ))}
      </section>
      {recs ? (
        <>
          <RecRow
            title="Similar products"
            from="similar"
            items={recs.similar}
            images={recs.images}
            offers={recs.offers}
          />
          <RecRow
            title="People looked at next"
            from="next"
            items={recs.next}
            images={recs.images}
            offers={recs.offers}
          />
        </>
      ) : null}
    </>,
  );
}
