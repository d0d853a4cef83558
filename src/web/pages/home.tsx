import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context";
import { decodeCursor, encodeCursor } from "../../domain/cursor";
import { callerOf } from "../../http/caller";
import { SnapshotGoneError, type FeedPage, type RecItem } from "../../recsys/feed/feed-service";
import { listProducts } from "../../services/catalog/products";
import { offerSummaries } from "../../services/catalog/offers";
import { cardExtras } from "../data/cards";
import { ProductCard } from "../components";
import { renderPage } from "../render";

const PAGE_SIZE = 24;
/** The feed cursor, same shape as GET /v1/feed's: the snapshot and the offset into it. */
const CursorSchema = z.object({ s: z.string().min(1).max(100), o: z.number().int().min(0).max(10_000) });

type Cards = {
  items: RecItem[];
  images: Map<string, string | null>;
  offers: Awaited<ReturnType<typeof offerSummaries>>;
};

function FeedItems(props: Cards & { offset: number }) {
  return (
    <>
      {props.items.map((item, i) => (
        <ProductCard
          product={{
            id: item.productId,
            title: item.title,
            image: props.images.get(item.productId) ?? null,
            price: item.price,
            averageRating: item.averageRating,
            ratingCount: item.ratingCount,
          }}
          offers={props.offers.get(item.productId)}
          rec={{ id: item.recommendationId, position: props.offset + i, from: "home", reason: item.reason }}
          notInterested
        />
      ))}
    </>
  );
}

const MoreLink = (props: { cursor: string | null }) =>
  props.cursor ? (
    <p class="more">
      <a class="secondary" href={`/?cursor=${encodeURIComponent(props.cursor)}`} data-more="#feed">
        More recommendations
      </a>
    </p>
  ) : null;

async function cardsOf(c: Context<AppEnv>, items: RecItem[]): Promise<Cards> {
  return {
    items,
    ...(await cardExtras(
      c.var.deps,
      items.map((i) => i.productId),
    )),
  };
}

/**
 * The home feed: the personalised feed service (recall → rank → re-rank, reasons from provenance), one page of
 * cards, and a "More" link over the feed cursor. Without JavaScript the link opens the next page; with it the
 * client script fetches `?cursor=…&fragment=1` (just the cards and the next link) and appends: endless scroll.
 */
export async function homePage(c: Context<AppEnv>) {
  const { recsys } = c.var.deps;
  const cursorParam = c.req.query("cursor");
  const fragment = c.req.query("fragment") === "1";
  if (!recsys.ready) return popularFallback(c);
  const models = recsys.models;
  const caller = callerOf(c);
  let page: FeedPage;
  let offset = 0;
  try {
    if (cursorParam) {
      const cur = decodeCursor(cursorParam, CursorSchema);
      offset = cur.o;
      page = await recsys.feed.nextPage(models, caller, cur.s, cur.o, PAGE_SIZE);
    } else {
      page = await recsys.feed.firstPage(
        models,
        caller,
        await recsys.history(caller),
        PAGE_SIZE,
        recsys.activeExperiment(),
      );
    }
  } catch (err) {
    // An expired snapshot (the feed moved on): start a fresh feed rather than an error page.
    if (err instanceof SnapshotGoneError) return fragment ? c.html("") : c.redirect("/", 303);
    throw err;
  }
  const next = page.nextCursor ? encodeCursor({ s: page.nextCursor.snapshotId, o: page.nextCursor.offset }) : null;
  const cards = await cardsOf(c, page.items);
  if (fragment)
    return c.html(
      <>
        <FeedItems {...cards} offset={offset} />
        <MoreLink cursor={next} />
      </>,
    );
  return renderPage(
    c,
    { title: "Recommended for you", page: "home" },
    <section aria-labelledby="feed-title">
      <h1 id="feed-title">Recommended for you</h1>
      {page.degraded ? (
        <p class="muted">Some recommendation sources are slow right now; showing what the others found.</p>
      ) : null}
      {page.items.length === 0 ? <p>Nothing to recommend yet: browse a few products and come back.</p> : null}
      <ul class="grid" id="feed">
        <FeedItems {...cards} offset={offset} />
      </ul>
      <MoreLink cursor={next} />
    </section>,
  );
}

/** Models still loading (first start): the most-rated products, said plainly, until the feed can answer. */
async function popularFallback(c: Context<AppEnv>) {
  const page = await listProducts(c.var.deps.db, { sort: "popularity", limit: PAGE_SIZE });
  const offers = await offerSummaries(
    c.var.deps.db,
    page.items.map((p) => p.id),
  );
  return renderPage(
    c,
    { title: "Popular", page: "home" },
    <section aria-labelledby="feed-title">
      <h1 id="feed-title">Popular right now</h1>
      <p class="muted">Personal recommendations are warming up; these are the most-rated products meanwhile.</p>
      <ul class="grid" id="feed">
        {page.items.map((p) => (
          <ProductCard product={p} offers={offers.get(p.id)} />
        ))}
      </ul>
    </section>,
  );
}
