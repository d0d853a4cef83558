import type { Context } from "hono";
import type { AppEnv } from "../../context";
import { shortDate } from "../format";
import { renderPage } from "../render";
import { notFoundPage } from "./not-found";

/**
 * Only where mail is a development outbox and the database is the embedded file (the `npm start` default),
 * outside production: everyone on such an install is its developer. Anywhere else the page does not exist.
 */
export function outboxAvailable(c: Context<AppEnv>): boolean {
  const { config, mailer } = c.var.deps;
  return config.NODE_ENV !== "production" && config.DATABASE_URL.startsWith("file:") && mailer.outbox !== undefined;
}

export function outboxPage(c: Context<AppEnv>) {
  if (!outboxAvailable(c)) return notFoundPage(c);
  const mails = [...(c.var.deps.mailer.outbox ?? [])].reverse().slice(0, 50);
  return renderPage(
    c,
    { title: "Dev outbox", page: "outbox" },
    <section aria-labelledby="outbox-title">
      <h1 id="outbox-title">Development outbox</h1>
      <p class="test-mode">
        Mail is not sent on this install: it lands here (newest first, kept in memory until restart).
      </p>
      {mails.length === 0 ? <p>No mail yet.</p> : null}
      {mails.map((m) => (
        <article class="review">
          <h2>{m.subject}</h2>
          <p class="muted">{`To ${m.to} · ${m.kind} · ${shortDate(m.at)}`}</p>
          <pre class="mail">{linkify(m.text)}</pre>
        </article>
      ))}
    </section>,
  );
}

/** Links in a mail become clickable (the reset link), everything else stays text (escaped by JSX). */
function linkify(text: string) {
  return text.split(/(https?:\/\/\S+)/).map((part) => (/^https?:\/\//.test(part) ? <a href={part}>{part}</a> : part));
}
