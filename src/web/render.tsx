import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { AppEnv } from "../context";
import { Layout, type LayoutProps } from "./layout";
import { pageUser } from "./page-auth";

/** Renders a page inside the layout with the caller filled in; `status` for 404/400 pages. */
export function renderPage(
  c: Context<AppEnv>,
  props: Omit<LayoutProps, "user" | "children"> & { status?: 200 | 400 | 404 | 409 | 422 | 500 },
  body: Child,
) {
  const { status = 200, ...layout } = props;
  return c.html(
    `<!doctype html>${(
      <Layout {...layout} user={pageUser(c)}>
        {body}
      </Layout>
    )}`,
    status,
  );
}
