import type { Child } from "hono/jsx";
import type { PageUser } from "./page-auth";

export interface LayoutProps {
  title: string;
  user: PageUser | null;
  /** The search box's current text (search pages keep it filled). */
  q?: string;
  /** Page name for the client script's islands and for page-view events (`data-page` on <body>). */
  page: string;
  /** Items in the cart, shown on the nav link (null: unknown / signed out). */
  cartCount?: number | null;
  /** Extra attributes for <main> (e.g. the product id a page view is about). */
  mainData?: Record<string, string>;
  children?: Child;
}

/**
 * The page shell every storefront page renders into: skip link, header (logo, search, nav, account menu),
 * main, footer. The account menu is a <details> element, so it opens without JavaScript; the one client
 * script is deferred and only adds islands (endless scroll, in-place favorite/cart buttons, click events).
 */
export function Layout(props: LayoutProps) {
  const { user } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Recircuit`}</title>
        <meta name="description" content="Recircuit: second-hand electronics, recommended for you." />
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/app.css" />
        <script type="module" src="/assets/app.js" defer />
      </head>
      <body data-page={props.page}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="bar">
            <a class="logo" href="/" aria-label="Recircuit home">
              <span aria-hidden="true">♻</span> Recircuit
            </a>
            <search class="search">
              <form action="/search" method="get">
                <label for="site-search" class="visually-hidden">
                  Search products
                </label>
                <input
                  id="site-search"
                  type="search"
                  name="q"
                  value={props.q ?? ""}
                  placeholder="Search laptops, phones, headphones…"
                  autocomplete="off"
                />
                <button type="submit">Search</button>
              </form>
            </search>
            <nav aria-label="Main">
              <ul class="nav">
                <li>
                  <a href="/categories">Categories</a>
                </li>
                <li>
                  <a href="/favorites">Favorites</a>
                </li>
                <li>
                  <a href="/cart">
                    Cart
                    {props.cartCount ? <span class="badge">{props.cartCount}</span> : null}
                  </a>
                </li>
                <li>
                  {user ? (
                    <details class="account-menu">
                      <summary>Account</summary>
                      <ul>
                        <li class="who">{user.email}</li>
                        <li>
                          <a href="/account">Account &amp; security</a>
                        </li>
                        <li>
                          <a href="/orders">Orders</a>
                        </li>
                        <li>
                          <a href="/sell">{user.role === "buyer" ? "Start selling" : "Selling"}</a>
                        </li>
                        {user.role === "admin" ? (
                          <li>
                            <a href="/admin">Admin</a>
                          </li>
                        ) : null}
                        <li>
                          <form action="/signout" method="post">
                            <button type="submit" class="link">
                              Sign out
                            </button>
                          </form>
                        </li>
                      </ul>
                    </details>
                  ) : (
                    <a href="/signin">Sign in</a>
                  )}
                </li>
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" {...prefixed(props.mainData)}>
          {props.children}
        </main>
        <footer class="site-footer">
          <p>
            Recircuit — second-hand electronics, recommended by models that learn from what you browse.{" "}
            <a href="/docs">API reference</a>
          </p>
        </footer>
      </body>
    </html>
  );
}

function prefixed(data: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data ?? {})) out[`data-${k}`] = v;
  return out;
}
