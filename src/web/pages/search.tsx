import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context";
import { conditionGrades } from "../../db/schema/marketplace";
import { InvalidInputError } from "../../domain/errors";
import { getCategoryTree, type CategoryNode } from "../../services/catalog/categories";
import { offerSummaries } from "../../services/catalog/offers";
import { listProducts, productSorts, type ProductSummary } from "../../services/catalog/products";
import { ProductCard } from "../components";
import { conditionNames, count } from "../format";
import { renderPage } from "../render";

const PAGE_SIZE = 24;
const emptyToUndefined = (v: unknown) => (v === "" ? undefined : v);
const optionalNumber = z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(1_000_000).optional());

/** The search form's fields (all optional; the same names in links, the form and the fragment URL). */
const SearchParams = z.object({
  q: z.preprocess(emptyToUndefined, z.string().trim().max(200).optional()),
  category: z.preprocess(emptyToUndefined, z.string().max(300).optional()),
  brand: z.preprocess(emptyToUndefined, z.string().trim().max(100).optional()),
  min_price: optionalNumber,
  max_price: optionalNumber,
  min_rating: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(5).optional()),
  condition: z.array(z.enum(conditionGrades)).default([]),
  sort: z.preprocess(emptyToUndefined, z.enum(productSorts).optional()),
  cursor: z.preprocess(emptyToUndefined, z.string().max(300).optional()),
});
type Params = z.infer<typeof SearchParams>;

function parseParams(c: Context<AppEnv>, category?: string): Params {
  const raw = { ...c.req.query(), condition: c.req.queries("condition") ?? [] } as Record<string, unknown>;
  if (category !== undefined) raw.category = category;
  const parsed = SearchParams.safeParse(raw);
  if (!parsed.success)
    throw new InvalidInputError(
      "invalid_request",
      `Check the filters: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

/** A URL with the current filters and some changed (undefined removes one); the cursor never carries over. */
function hrefWith(base: string, p: Params, change: Partial<Record<keyof Params, string | string[] | undefined>>) {
  const u = new URLSearchParams();
  const merged: Record<string, unknown> = { ...p, cursor: undefined, ...change };
  for (const [k, v] of Object.entries(merged)) {
    if (v === undefined || v === null || v === "") continue;
    if (k === "category" && base !== "/search") continue;
    for (const one of Array.isArray(v) ? v : [v]) u.append(k, String(one));
  }
  const qs = u.toString();
  return qs ? `${base}?${qs}` : base;
}

const treeCache = new WeakMap<object, { at: number; tree: CategoryNode[] }>();
/** The category tree changes only with ingest: cached for a minute, per database (tests run several apps). */
async function categoryTree(c: Context<AppEnv>): Promise<CategoryNode[]> {
  const { db } = c.var.deps;
  const now = Date.now();
  let hit = treeCache.get(db);
  if (!hit || now - hit.at > 60_000) {
    hit = { at: now, tree: await getCategoryTree(db) };
    treeCache.set(db, hit);
  }
  return hit.tree;
}

export const categoryHref = (path: string) => `/c/${path.split(" > ").map(encodeURIComponent).join("/")}`;

function findNode(tree: CategoryNode[], path: string): { node: CategoryNode; trail: CategoryNode[] } | null {
  let level = tree;
  const trail: CategoryNode[] = [];
  for (const node of tree) if (path === node.path) return { node, trail: [node] };
  while (level.length > 0) {
    const next = level.find((n) => path === n.path || path.startsWith(`${n.path} > `));
    if (!next) return null;
    trail.push(next);
    if (next.path === path) return { node: next, trail };
    level = next.children;
  }
  return null;
}

function CategoryFacet(props: { tree: CategoryNode[]; current?: string; base: string; params: Params }) {
  const found = props.current ? findNode(props.tree, props.current) : null;
  const shown = found ? found.node.children : props.tree;
  return (
    <nav aria-label="Categories" class="category-facet">
      <h2 class="legend">Category</h2>
      <ul>
        {found ? (
          <li>
            <a
              href={
                props.base === "/search" ? hrefWith("/search", props.params, { category: undefined }) : "/categories"
              }
            >
              All categories
            </a>
          </li>
        ) : null}
        {found?.trail.map((n) => (
          <li class={n.path === props.current ? "current" : ""}>
            {n.path === props.current ? (
              <span aria-current="page">{n.name}</span>
            ) : (
              <a href={categoryHref(n.path)}>{n.name}</a>
            )}
          </li>
        ))}
        <li>
          <ul>
            {shown.slice(0, 15).map((n) => (
              <li>
                <a
                  href={
                    props.base === "/search"
                      ? hrefWith("/search", props.params, { category: n.path })
                      : categoryHref(n.path)
                  }
                >
                  {n.name}
                </a>{" "}
                <span class="muted">({count(n.productCount)})</span>
              </li>
            ))}
          </ul>
        </li>
      </ul>
    </nav>
  );
}

function Filters(props: { params: Params; base: string; brands: string[] }) {
  const p = props.params;
  return (
    <form method="get" action={props.base} class="filters">
      {p.q && props.base !== "/search" ? null : null}
      {props.base === "/search" ? (
        <>
          <input type="hidden" name="q" value={p.q ?? ""} />
          {p.category ? <input type="hidden" name="category" value={p.category} /> : null}
        </>
      ) : (
        <input type="hidden" name="q" value={p.q ?? ""} />
      )}
      <fieldset>
        <legend>Brand</legend>
        <label for="brand" class="visually-hidden">
          Brand
        </label>
        <input id="brand" name="brand" list="brands" value={p.brand ?? ""} placeholder="Any brand" />
        <datalist id="brands">
          {props.brands.map((b) => (
            <option value={b} />
          ))}
        </datalist>
      </fieldset>
      <fieldset>
        <legend>Price (USD)</legend>
        <div class="row">
          <label for="min_price" class="visually-hidden">
            Minimum price
          </label>
          <input
            id="min_price"
            name="min_price"
            type="number"
            min="0"
            step="1"
            placeholder="Min"
            value={p.min_price ?? ""}
          />
          <span aria-hidden="true">–</span>
          <label for="max_price" class="visually-hidden">
            Maximum price
          </label>
          <input
            id="max_price"
            name="max_price"
            type="number"
            min="0"
            step="1"
            placeholder="Max"
            value={p.max_price ?? ""}
          />
        </div>
      </fieldset>
      <fieldset>
        <legend>Customer rating</legend>
        {[4, 3, 2].map((r) => (
          <label>
            <input type="radio" name="min_rating" value={String(r)} checked={p.min_rating === r} /> {`${r} stars & up`}
          </label>
        ))}
        <label>
          <input type="radio" name="min_rating" value="" checked={p.min_rating === undefined} /> Any rating
        </label>
      </fieldset>
      <fieldset>
        <legend>Used offers in condition</legend>
        {conditionGrades.map((g) => (
          <label>
            <input type="checkbox" name="condition" value={g} checked={p.condition.includes(g)} /> {conditionNames[g]}
          </label>
        ))}
      </fieldset>
      <input type="hidden" name="sort" value={p.sort ?? ""} />
      <button type="submit" class="primary">
        Apply filters
      </button>
    </form>
  );
}

const sortLabels: Record<(typeof productSorts)[number], string> = {
  relevance: "Best match",
  popularity: "Most rated",
  rating: "Highest rated",
  price_asc: "Price: low to high",
  price_desc: "Price: high to low",
};

function SortForm(props: { params: Params; base: string }) {
  const p = props.params;
  const keep = Object.entries({ ...p, cursor: undefined, sort: undefined }).flatMap(([k, v]) =>
    v === undefined || (k === "category" && props.base !== "/search")
      ? []
      : (Array.isArray(v) ? v : [v]).map((one) => <input type="hidden" name={k} value={String(one)} />),
  );
  return (
    <form method="get" action={props.base} class="row">
      {keep}
      <label for="sort">Sort by</label>
      <select id="sort" name="sort">
        {productSorts
          .filter((s) => s !== "relevance" || p.q)
          .map((s) => (
            <option value={s} selected={(p.sort ?? (p.q ? "relevance" : "popularity")) === s}>
              {sortLabels[s]}
            </option>
          ))}
      </select>
      <button type="submit" class="secondary">
        Sort
      </button>
    </form>
  );
}

/**
 * Search and category pages: FTS search (GET /v1/products' service) with facets as a plain GET form and links
 * (category tree, brand, price, rating, condition) and sorting; endless scroll over the keyset cursor. The
 * condition facet is about used offers: it keeps the products that have an active listing in a chosen condition.
 */
export async function searchPage(c: Context<AppEnv>, categoryPath?: string) {
  const base = categoryPath === undefined ? "/search" : categoryHref(categoryPath);
  const p = parseParams(c, categoryPath);
  const fragment = c.req.query("fragment") === "1";
  const { db } = c.var.deps;
  const wantsResults = p.q !== undefined || p.category !== undefined || p.brand !== undefined;
  let items: ProductSummary[] = [];
  let nextCursor: string | null = null;
  if (wantsResults || p.sort) {
    const page = await listProducts(db, {
      q: p.q,
      category: p.category,
      brand: p.brand,
      minPrice: p.min_price,
      maxPrice: p.max_price,
      minRating: p.min_rating,
      sort: p.sort,
      limit: PAGE_SIZE,
      cursor: p.cursor,
    });
    items = page.items;
    nextCursor = page.nextCursor;
  }
  const offers = await offerSummaries(
    db,
    items.map((i) => i.id),
    p.condition,
  );
  if (p.condition.length > 0) items = items.filter((i) => offers.has(i.id));
  const more = nextCursor ? (
    <p class="more">
      <a
        class="secondary"
        href={`${hrefWith(base, p, {})}${hrefWith(base, p, {}).includes("?") ? "&" : "?"}cursor=${encodeURIComponent(nextCursor)}`}
        data-more="#results"
      >
        More results
      </a>
    </p>
  ) : null;
  const cards = items.map((item) => <ProductCard product={item} offers={offers.get(item.id)} />);
  if (fragment)
    return c.html(
      <>
        {cards}
        {more}
      </>,
    );

  const tree = await categoryTree(c);
  const brandCounts = new Map<string, number>();
  for (const i of items) if (i.brand) brandCounts.set(i.brand, (brandCounts.get(i.brand) ?? 0) + 1);
  const brands = [...brandCounts].sort((a, b) => b[1] - a[1]).map(([b]) => b);
  const current = categoryPath ? findNode(tree, categoryPath) : null;
  const title = categoryPath ? (current?.node.name ?? categoryPath) : p.q ? `Results for “${p.q}”` : "Search";
  return renderPage(
    c,
    { title, page: categoryPath ? "category" : "search", q: p.q },
    <div class="search-page">
      <aside class="facets" aria-label="Filters">
        <CategoryFacet tree={tree} current={p.category} base={base} params={p} />
        <Filters params={p} base={base} brands={brands} />
      </aside>
      <section aria-labelledby="results-title">
        <div class="toolbar">
          <h1 id="results-title">{title}</h1>
          <SortForm params={p} base={base} />
        </div>
        {!wantsResults && !p.sort ? (
          <p>Type what you are looking for in the search box, or pick a category.</p>
        ) : items.length === 0 ? (
          <p role="status">No products match these filters.</p>
        ) : null}
        <ul class="grid" id="results">
          {cards}
        </ul>
        {more}
      </section>
    </div>,
  );
}

/** All top-level categories with their children: the way into category pages. */
export async function categoriesPage(c: Context<AppEnv>) {
  const tree = await categoryTree(c);
  return renderPage(
    c,
    { title: "Categories", page: "categories" },
    <section>
      <h1>Categories</h1>
      {tree.length === 0 ? <p>No categories yet.</p> : null}
      <ul class="category-list">
        {tree.map((n) => (
          <li>
            <h2>
              <a href={categoryHref(n.path)}>{n.name}</a> <span class="muted">({count(n.productCount)})</span>
            </h2>
            <ul>
              {n.children.slice(0, 12).map((ch) => (
                <li>
                  <a href={categoryHref(ch.path)}>{ch.name}</a>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>,
  );
}
