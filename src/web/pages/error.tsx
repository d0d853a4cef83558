import type { Context } from "hono";
import type { AppEnv } from "../../context";
import { DomainError } from "../../domain/errors";
import { handleError } from "../../http/errors";
import { renderPage } from "../render";
import { notFoundPage } from "./not-found";

const statusOf: Record<string, 400 | 404 | 409 | 422> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
};

/**
 * Errors on a page: a domain error the shopper can act on (bad filter, gone product, sold listing) becomes an
 * HTML page with its message; anything else goes to the API's one mapper (logged 500 with the request id).
 */
export function pageError(err: Error, c: Context<AppEnv>): Response | Promise<Response> {
  if (err instanceof DomainError && err.kind === "not_found") return notFoundPage(c);
  if (err instanceof DomainError && statusOf[err.kind]) {
    return renderPage(
      c,
      { title: "Something is off", page: "error", status: statusOf[err.kind] },
      <section class="empty">
        <h1>That did not work</h1>
        <p role="alert">{err.message}</p>
        <p>
          <a href="/">Back to the home page</a>
        </p>
      </section>,
    );
  }
  return handleError(err, c);
}
