import { apiKey } from "@better-auth/api-key";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import { admin, bearer } from "better-auth/plugins";
import { MemoryOutbox } from "../adapters/mailer/memory-outbox";
import type { Config } from "../config";
import type { Mailer } from "../ports/mailer";
import type { Database } from "../db/database";
import type { Logger } from "../ports/logger";
import * as authSchema from "../db/schema/auth";
import { passwordProblem, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./password-policy";
import { consumeLimit, signInAccountKey } from "./account-rate-limit";
import { RESOLVED_IP_HEADER } from "./client-ip";
import { ac, roles } from "./permissions";
import { resolveAuthSecret, resolveAuthUrl } from "./secret";

export const AUTH_BASE_PATH = "/api/auth";
export const API_KEY_HEADER = "x-api-key";

/** What createAuth needs: a subset of AppDeps, so it can be built before the rest of the deps. */
export interface AuthDeps {
  config: Config;
  db: Database;
  /** Account mail (sign-up notices); a development in-memory outbox when none is given. */
  mailer?: Mailer;
  /** better-auth's own log lines and the development-secret warning go here. */
  logger: Logger;
}

/** Password hashing override (tests swap scrypt for a fast hash; production keeps better-auth's scrypt). */
export interface PasswordHasher {
  hash: (password: string) => Promise<string>;
  verify: (data: { hash: string; password: string }) => Promise<boolean>;
}

/** Reads a string field from an unknown request body without trusting its shape. */
const field = (body: unknown, name: string): string | undefined => {
  if (body && typeof body === "object" && name in body) {
    const v = (body as Record<string, unknown>)[name];
    return typeof v === "string" ? v : undefined;
  }
  return undefined;
};

const weak = (message: string) => new APIError("BAD_REQUEST", { message, code: "WEAK_PASSWORD" });

/**
 * The better-auth instance for one set of deps (one database, one config). Built per deps, never as a
 * module singleton, so tests and Workers isolates each get their own. Web Crypto only: runs on Node and
 * workerd alike.
 */
export function createAuth(deps: AuthDeps, opts: { passwordHasher?: PasswordHasher } = {}) {
  const { config, db } = deps;
  const mailer = deps.mailer ?? new MemoryOutbox();
  const logger = deps.logger.child({ component: "auth" });
  return betterAuth({
    appName: "Recircuit",
    // Expected refusals (bad keys, wrong passwords) are answered to the client; tests need no log noise.
    logger: {
      disabled: config.NODE_ENV === "test" || config.LOG_LEVEL === "silent",
      log: (level, message, ...args) => logger[level](message, args.length > 0 ? { args } : undefined),
    },
    baseURL: resolveAuthUrl(config),
    basePath: AUTH_BASE_PATH,
    secret: resolveAuthSecret(config, logger),
    // Cookie-bearing POSTs must come from these origins (better-auth's CSRF check); baseURL is always trusted.
    trustedOrigins: [...config.AUTH_TRUSTED_ORIGINS, ...config.CORS_ORIGINS],
    database: drizzleAdapter(db, { provider: "sqlite", schema: { ...authSchema } }),
    emailAndPassword: {
      enabled: true,
      // No sign-in at sign-up: it is what lets sign-up answer a taken address exactly like a new one (better-auth
      // then returns a synthetic user and no token), so sign-up cannot tell who has an account. The owner of a
      // taken address is told by mail; a new user signs in next (one more request).
      autoSignIn: false,
      // The stand-in user for a taken address carries the admin plugin's defaults, as a new user's row does.
      customSyntheticUser: ({ coreFields, additionalFields, id }) => ({
        ...coreFields,
        role: "buyer",
        banned: false,
        banReason: null,
        banExpires: null,
        ...additionalFields,
        id,
      }),
      onExistingUserSignUp: async ({ user }) =>
        mailer.send({
          to: user.email,
          kind: "sign_up_existing_account",
          subject: "Someone tried to create a Recircuit account with your address",
          text: "Your address already has a Recircuit account. If this was you, sign in or reset your password; otherwise ignore this mail.",
        }),
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
      revokeSessionsOnPasswordReset: true,
      // Password reset by mail (the storefront's /forgot-password): the link opens the storefront's own page,
      // which posts the token and the new password to better-auth's /reset-password.
      resetPasswordTokenExpiresIn: 3600,
      sendResetPassword: async ({ user, token }) =>
        mailer.send({
          to: user.email,
          kind: "password_reset",
          subject: "Reset your Recircuit password",
          text: `Open this link within an hour to choose a new password: ${new URL(`/reset-password?token=${encodeURIComponent(token)}`, resolveAuthUrl(config)).href}\nIf you did not ask for this, ignore this mail.`,
        }),
      ...(opts.passwordHasher ? { password: opts.passwordHasher } : {}),
    },
    session: {
      expiresIn: config.SESSION_EXPIRES_IN_SECONDS,
      updateAge: config.SESSION_UPDATE_AGE_SECONDS,
      // No cookie cache: every request reads the session row, so a revoked session is refused at once.
      cookieCache: { enabled: false },
      additionalFields: {
        // Last use, for the idle timeout (better-auth only tracks updatedAt, moved once per updateAge).
        lastActiveAt: { type: "date", required: false, input: false },
      },
    },
    databaseHooks: {
      user: {
        create: {
          after: async (user) =>
            mailer.send({
              to: user.email,
              kind: "welcome",
              subject: "Welcome to Recircuit",
              text: "Your Recircuit account is ready: sign in with the password you chose.",
            }),
        },
      },
      session: {
        create: {
          before: async (session) => ({ data: { ...session, lastActiveAt: new Date() } }),
        },
      },
    },
    rateLimit: {
      enabled: true,
      storage: "database",
      modelName: "rateLimit",
      window: config.AUTH_RATE_LIMIT_WINDOW_SECONDS,
      max: config.AUTH_RATE_LIMIT_GLOBAL_MAX,
      customRules: {
        "/sign-in/*": { window: config.AUTH_RATE_LIMIT_WINDOW_SECONDS, max: config.AUTH_RATE_LIMIT_MAX },
        "/sign-up/*": { window: config.AUTH_RATE_LIMIT_WINDOW_SECONDS, max: config.AUTH_RATE_LIMIT_MAX },
        "/change-password": { window: config.AUTH_RATE_LIMIT_WINDOW_SECONDS, max: config.AUTH_RATE_LIMIT_MAX },
        "/reset-password": { window: config.AUTH_RATE_LIMIT_WINDOW_SECONDS, max: config.AUTH_RATE_LIMIT_MAX },
        // getSession is on every page load of a browser client; the per-request work is one indexed read.
        "/get-session": false,
      },
    },
    advanced: {
      useSecureCookies: config.NODE_ENV === "production",
      // better-auth skips its origin (CSRF) check when NODE_ENV=test; keep it on so tests see production behaviour.
      disableOriginCheck: false,
      cookiePrefix: "recircuit",
      // Per-IP buckets key on the address authHandler resolved from trusted sources (src/auth/client-ip.ts),
      // never on X-Forwarded-For as the client sent it.
      ipAddress: { ipAddressHeaders: [RESOLVED_IP_HEADER] },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        switch (ctx.path) {
          case "/sign-in/email": {
            // Per account as well as per IP: spreading guesses over many addresses does not multiply them.
            const email = field(ctx.body, "email");
            if (!email) return;
            const decision = await consumeLimit(db, signInAccountKey(email), {
              max: config.AUTH_ACCOUNT_RATE_LIMIT_MAX,
              windowSeconds: config.AUTH_RATE_LIMIT_WINDOW_SECONDS,
            });
            if (!decision.allowed)
              throw new APIError(
                "TOO_MANY_REQUESTS",
                { message: "too many sign-in attempts for this account; try again later", code: "RATE_LIMITED" },
                { "X-Retry-After": String(decision.retryAfterSeconds) },
              );
            return;
          }
          case "/sign-up/email":
          case "/admin/create-user": {
            const problem = passwordProblem(field(ctx.body, "password") ?? "", field(ctx.body, "email"));
            if (problem) throw weak(problem);
            return;
          }
          case "/change-password": {
            const session = await getSessionFromCtx(ctx);
            const problem = passwordProblem(field(ctx.body, "newPassword") ?? "", session?.user.email);
            if (problem) throw weak(problem);
            // Changing a password always signs out every other session, whatever the client asked.
            return { context: { body: { ...(ctx.body as Record<string, unknown>), revokeOtherSessions: true } } };
          }
          case "/reset-password":
          case "/admin/set-user-password": {
            const problem = passwordProblem(field(ctx.body, "newPassword") ?? "");
            if (problem) throw weak(problem);
            return;
          }
          default:
            return;
        }
      }),
    },
    plugins: [
      bearer(),
      admin({ ac, roles, defaultRole: "buyer", adminRoles: ["admin"] }),
      apiKey({
        apiKeyHeaders: API_KEY_HEADER,
        defaultPrefix: "rc_",
        enableMetadata: true,
        rateLimit: {
          enabled: true,
          timeWindow: config.API_KEY_RATE_LIMIT_WINDOW_SECONDS * 1000,
          maxRequests: config.API_KEY_RATE_LIMIT_MAX,
        },
      }),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;
