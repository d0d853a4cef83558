import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { createMiddleware } from "hono/factory";
import { roleCan, type PermissionRequest } from "../../auth/permissions";
import { DomainError } from "../../domain/errors";
import type { AppEnv } from "../../context";
import { money as formatMoney } from "../format";
import { pageUser } from "../page-auth";
import { renderPage } from "../render";

/**
 * Page guard for the seller and admin pages: a signed-in user (else the web skeleton's sign-in redirect runs
 * first, see requirePageUser) whose role grants `permission`; others get a 403 page saying what is missing.
 * `otherwise` lets a page send a buyer somewhere useful instead (the seller pages: "start selling").
 */
export const requirePageRole = (permission: PermissionRequest, otherwise?: string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const u = pageUser(c);
    if (u && roleCan(u.role, permission)) return next();
    if (otherwise) return c.redirect(otherwise, 303);
    return forbiddenPage(c);
  });

export async function forbiddenPage(c: Context<AppEnv>): Promise<Response> {
  const res = await renderPage(
    c,
    { title: "Not allowed", page: "forbidden" },
    <section class="empty">
      <h1>Not allowed</h1>
      <p role="alert">Your account's role does not allow this page.</p>
      <p>
        <a href="/">Back to the home page</a>
      </p>
    </section>,
  );
  return new Response(res.body, { status: 403, headers: res.headers });
}

/** A price (minor units in its own currency), for display. */
export const money = (p: { amountMinor: number; currency: string }) => formatMoney(p.amountMinor, p.currency);

export const shortDate = (iso: string | number) => new Date(iso).toISOString().slice(0, 16).replace("T", " ");

/** A flash message carried in the query string after a redirect (Post/Redirect/Get). */
export function Flash(props: { c: Context<AppEnv> }) {
  const ok = props.c.req.query("ok");
  const err = props.c.req.query("error");
  return (
    <>
      {ok ? (
        <p class="notice" role="status">
          {ok}
        </p>
      ) : null}
      {err ? (
        <p class="alert" role="alert">
          {err}
        </p>
      ) : null}
    </>
  );
}

/** Redirect back to `path` with a flash message. */
export const back = (c: Context<AppEnv>, path: string, msg: { ok?: string; error?: string }) => {
  const u = new URL(path, "http://x");
  if (msg.ok) u.searchParams.set("ok", msg.ok);
  if (msg.error) u.searchParams.set("error", msg.error);
  return c.redirect(u.pathname + u.search, 303);
};

/**
 * A wide table on a narrow screen scrolls inside this region instead of the page scrolling sideways; the
 * region is focusable and named, so keyboard users can scroll it too (axe: scrollable-region-focusable).
 */
export function TableScroll(props: { label: string; children?: Child }) {
  return (
    <section class="table-scroll" tabindex={0} aria-label={props.label}>
      {props.children}
    </section>
  );
}

/**
 * Runs a form post's action; an error the user can act on (a domain error, plus `isFormError`'s) goes back to
 * the form as a message, anything else is a real failure.
 */
export async function orBack(
  c: Context<AppEnv>,
  path: string,
  fn: () => Promise<Response>,
  isFormError: (err: unknown) => err is Error = (err): err is Error => false,
): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DomainError || isFormError(err)) return back(c, path, { error: err.message });
    throw err;
  }
}

/** The section navigation of the seller and admin pages: the current page highlighted and marked for AT. */
export function SubNav(props: { label: string; links: readonly (readonly [string, string])[]; current: string }) {
  return (
    <nav aria-label={props.label} class="toolbar subnav">
      {props.links.map(([href, label]) => (
        <a
          href={href}
          class={props.current === href ? "primary" : "secondary"}
          aria-current={props.current === href ? "page" : undefined}
        >
          {label}
        </a>
      ))}
    </nav>
  );
}
