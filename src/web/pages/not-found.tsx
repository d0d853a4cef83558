import type { Context } from "hono";
import type { AppEnv } from "../../context";
import { renderPage } from "../render";

/** The storefront's 404: a page with a way back, not the API's JSON body. */
export const notFoundPage = (c: Context<AppEnv>, what = "page") =>
  renderPage(
    c,
    { title: "Not found", page: "not-found", status: 404 },
    <section class="empty">
      <h1>Not found</h1>
      <p>{`This ${what} does not exist or is no longer available.`}</p>
      <p>
        <a href="/">Back to the home page</a> or <a href="/search">search the catalog</a>.
      </p>
    </section>,
  );
