import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context";
import { callAuth, forwardCookies } from "../auth-calls";
import { pageUser, safeNext } from "../page-auth";
import { renderPage } from "../render";

async function formOf(c: Context<AppEnv>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(await c.req.parseBody())) if (typeof v === "string") out[k] = v;
  return out;
}

const Email = z.string().trim().toLowerCase().email().max(254);

function Problem(props: { text: string | null }) {
  return props.text ? (
    <p class="alert" role="alert">
      {props.text}
    </p>
  ) : null;
}

function signInForm(
  c: Context<AppEnv>,
  opts: { email?: string; problem?: string | null; notice?: string | null; status?: 200 | 400 | 422 },
) {
  const next = safeNext(c.req.query("next"));
  return renderPage(
    c,
    { title: "Sign in", page: "signin", status: opts.status },
    <section aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      {opts.notice ? (
        <p class="notice" role="status">
          {opts.notice}
        </p>
      ) : null}
      <Problem text={opts.problem ?? null} />
      <form method="post" action={`/signin?next=${encodeURIComponent(next)}`} class="stack">
        <label for="email">
          Email
          <input id="email" name="email" type="email" autocomplete="email" required value={opts.email ?? ""} />
        </label>
        <label for="password">
          Password
          <input id="password" name="password" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit" class="primary">
          Sign in
        </button>
      </form>
      <p>
        New here? <a href={`/signup?next=${encodeURIComponent(next)}`}>Create an account</a> ·{" "}
        <a href="/forgot-password">Forgot your password?</a>
      </p>
    </section>,
  );
}

export const signInPage = (c: Context<AppEnv>) =>
  pageUser(c)
    ? c.redirect(safeNext(c.req.query("next")), 303)
    : signInForm(c, {
        notice:
          c.req.query("created") === "1"
            ? "Account created: sign in with your new password."
            : c.req.query("reset") === "1"
              ? "Password changed: sign in with the new one."
              : null,
      });

export async function signInAction(c: Context<AppEnv>) {
  const f = await formOf(c);
  const email = Email.safeParse(f.email);
  if (!email.success || !f.password)
    return signInForm(c, { email: f.email, problem: "Enter your email address and password.", status: 422 });
  const res = await callAuth(c, "/sign-in/email", { email: email.data, password: f.password });
  if (!res.ok)
    return signInForm(c, {
      email: email.data,
      problem: res.status === 429 ? "Too many attempts: wait a minute and try again." : "Wrong email or password.",
      status: res.status === 429 ? 422 : 422,
    });
  forwardCookies(c, res.setCookies);
  return c.redirect(safeNext(c.req.query("next")), 303);
}

function signUpForm(
  c: Context<AppEnv>,
  opts: { email?: string; name?: string; problem?: string | null; status?: 200 | 422 },
) {
  const next = safeNext(c.req.query("next"));
  return renderPage(
    c,
    { title: "Create an account", page: "signup", status: opts.status },
    <section aria-labelledby="signup-title">
      <h1 id="signup-title">Create an account</h1>
      <Problem text={opts.problem ?? null} />
      <form method="post" action={`/signup?next=${encodeURIComponent(next)}`} class="stack">
        <label for="name">
          Name
          <input id="name" name="name" autocomplete="name" required value={opts.name ?? ""} />
        </label>
        <label for="email">
          Email
          <input id="email" name="email" type="email" autocomplete="email" required value={opts.email ?? ""} />
        </label>
        <label for="password">
          Password <span class="muted">(at least 10 characters)</span>
          <input id="password" name="password" type="password" autocomplete="new-password" minlength={10} required />
        </label>
        <button type="submit" class="primary">
          Create account
        </button>
      </form>
      <p>
        Already have an account? <a href={`/signin?next=${encodeURIComponent(next)}`}>Sign in</a>
      </p>
    </section>,
  );
}

export const signUpPage = (c: Context<AppEnv>) => signUpForm(c, {});

/**
 * Sign-up answers a new and a taken address alike (no account enumeration: src/auth/auth.ts, autoSignIn off),
 * so both continue to the sign-in page; the owner of a taken address is told by mail.
 */
export async function signUpAction(c: Context<AppEnv>) {
  const f = await formOf(c);
  const email = Email.safeParse(f.email);
  const name = (f.name ?? "").trim().slice(0, 100);
  if (!email.success || !name || !f.password)
    return signUpForm(c, {
      email: f.email,
      name,
      problem: "Enter your name, email address and a password.",
      status: 422,
    });
  const res = await callAuth(c, "/sign-up/email", { email: email.data, password: f.password, name });
  if (!res.ok) return signUpForm(c, { email: email.data, name, problem: res.message, status: 422 });
  const next = safeNext(c.req.query("next"));
  return c.redirect(`/signin?created=1&next=${encodeURIComponent(next)}`, 303);
}

export async function signOutAction(c: Context<AppEnv>) {
  const res = await callAuth(c, "/sign-out", {});
  if (res.ok) forwardCookies(c, res.setCookies);
  return c.redirect("/", 303);
}

export function forgotPasswordPage(c: Context<AppEnv>, sent = false) {
  return renderPage(
    c,
    { title: "Reset your password", page: "forgot-password" },
    <section aria-labelledby="forgot-title">
      <h1 id="forgot-title">Reset your password</h1>
      {sent ? (
        <p class="notice" role="status">
          If that address has an account, a reset link is on its way. It works for one hour.
        </p>
      ) : null}
      <form method="post" action="/forgot-password" class="stack">
        <label for="email">
          Email
          <input id="email" name="email" type="email" autocomplete="email" required />
        </label>
        <button type="submit" class="primary">
          Send reset link
        </button>
      </form>
    </section>,
  );
}

/** Same answer whether or not the address has an account (no enumeration); the mail goes through the Mailer port. */
export async function forgotPasswordAction(c: Context<AppEnv>) {
  const f = await formOf(c);
  const email = Email.safeParse(f.email);
  if (email.success) {
    const res = await callAuth(c, "/request-password-reset", { email: email.data });
    if (!res.ok && res.status >= 500) c.var.deps.logger.error("password reset request failed", { status: res.status });
  }
  return forgotPasswordPage(c, true);
}

function resetForm(c: Context<AppEnv>, token: string, problem: string | null, status: 200 | 422 = 200) {
  return renderPage(
    c,
    { title: "Choose a new password", page: "reset-password", status },
    <section aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      <Problem text={problem} />
      <form method="post" action="/reset-password" class="stack">
        <input type="hidden" name="token" value={token} />
        <label for="password">
          New password <span class="muted">(at least 10 characters)</span>
          <input id="password" name="password" type="password" autocomplete="new-password" minlength={10} required />
        </label>
        <button type="submit" class="primary">
          Change password
        </button>
      </form>
    </section>,
  );
}

export const resetPasswordPage = (c: Context<AppEnv>) => {
  const token = c.req.query("token") ?? "";
  return token ? resetForm(c, token, null) : c.redirect("/forgot-password", 303);
};

export async function resetPasswordAction(c: Context<AppEnv>) {
  const f = await formOf(c);
  const token = (f.token ?? "").slice(0, 200);
  if (!token) return c.redirect("/forgot-password", 303);
  const res = await callAuth(c, "/reset-password", { token, newPassword: f.password ?? "" });
  if (!res.ok)
    return resetForm(
      c,
      token,
      res.code.includes("token") ? "This link has expired or was used already: ask for a new one." : res.message,
      422,
    );
  return c.redirect("/signin?reset=1", 303);
}
