import { findInvalidTrustedProxies } from "@better-auth/core/utils/ip";
import { z } from "zod";

/**
 * The one contract over environment variables (Node) and Worker bindings (workerd). Parsed once at
 * start; a bad value fails fast with the variable's name. Optional groups turn production adapters
 * on (Turso, Upstash, Qdrant, Hugging Face); with nothing set, the embedded defaults run.
 */
const port = z.coerce.number().int().min(1).max(65_535);

export const SESSION_STORES = ["memory", "libsql", "upstash"] as const;
export type SessionStoreKind = (typeof SESSION_STORES)[number];
const MAX_PROCESSES = 256;
const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

export const configSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: port.default(8787),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    /** libSQL URL: `file:` (embedded, Node only) or `libsql:`/`https:`/`http:`/`ws(s):` (Turso). */
    DATABASE_URL: z
      .string()
      .regex(/^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)/, "must be a file:, libsql://, http(s):// or ws(s):// URL")
      .default("file:./data/recircuit.db"),
    DATABASE_AUTH_TOKEN: z.string().min(1).optional(),
    /** Largest request body accepted, in bytes. */
    MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(10 * 1024 * 1024)
      .default(256 * 1024),
    /**
     * Load the demo catalog and create the demo accounts when the database is empty (Node start only).
     * Default: on, except with NODE_ENV=production, where only an explicit DEMO_DATA=true loads them.
     */
    DEMO_DATA: bool.optional(),
    /**
     * Where session histories, feed snapshots and counters live: `memory` (in-process), `libsql` (tables in
     * the app's database, shared by every process using it) or `upstash`. Resolved by loadConfig when unset.
     */
    SESSION_STORE: z.enum(SESSION_STORES).optional(),
    /** Node server processes (node:cluster workers sharing the port), or `auto` = available CPU cores. */
    WEB_CONCURRENCY: z
      .union([z.number(), z.string()])
      .default(1)
      .transform((v, ctx) => {
        if (v === "auto") return "auto" as const;
        const n = typeof v === "number" ? v : /^\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
        if (!Number.isInteger(n) || n < 1 || n > MAX_PROCESSES) {
          ctx.addIssue({ code: "custom", message: `must be a whole number from 1 to ${MAX_PROCESSES}, or "auto"` });
          return z.NEVER;
        }
        return n;
      }),
    /**
     * The learning loop (docs/recsys.md): `on` retrains and re-embeds from the event log and selects models
     * online; `off` freezes serving on the models loaded at start (the replay benchmark's baseline).
     */
    LEARNER: z.enum(["on", "off"]).default("on"),
    /**
     * Whether a Node server runs learner cycles in a thread of its own (the single process, or the cluster
     * primary). `off` where a scheduled `npm run learn` trains instead (the Kubernetes CronJob): serving still
     * reloads, selects and cold-starts; the pod saves the learner's memory (docs/BENCHMARKS.md, pod sizing).
     */
    LEARNER_THREAD: z.enum(["on", "off"]).default("on"),
    /** Seconds between learner cycles on Node (incremental fold, new items, selection). */
    LEARNER_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    UPSTASH_REDIS_REST_URL: z.url().optional(),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
    QDRANT_URL: z.url().optional(),
    QDRANT_API_KEY: z.string().min(1).optional(),
    HF_TOKEN: z.string().min(1).optional(),
    /** Bearer token `/metrics` (Prometheus) requires; unset, `/metrics` answers 404 (README: Observability). */
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    BETTER_AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    BETTER_AUTH_URL: z.url().optional(),
    /** Session lifetime (sliding: refreshed at most once per SESSION_UPDATE_AGE_SECONDS of use). */
    SESSION_EXPIRES_IN_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .default(7 * 24 * 3600),
    SESSION_UPDATE_AGE_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .default(24 * 3600),
    /** A session unused for longer than this is rejected and deleted (enforced by our middleware). */
    SESSION_IDLE_TIMEOUT_MINUTES: z.coerce.number().int().min(1).default(30),
    /** Auth routes: sign-in/sign-up/change-password attempts per client IP per window. */
    AUTH_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
    AUTH_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(10),
    /** Every other /api/auth route, per client IP per window. */
    AUTH_RATE_LIMIT_GLOBAL_MAX: z.coerce.number().int().min(1).default(300),
    /** Sign-in attempts per account (email) per AUTH_RATE_LIMIT_WINDOW_SECONDS, from all IPs together. */
    AUTH_ACCOUNT_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(20),
    /**
     * Where the client address comes from (see docs/auth.md, threat model). CLIENT_IP_HEADER: a header an edge
     * in front of us always overwrites (`cf-connecting-ip` on Cloudflare Workers); when set it is trusted as is.
     * Otherwise the socket peer address, and X-Forwarded-For only when that peer is in TRUSTED_PROXIES
     * (comma-separated IPs or CIDR ranges).
     */
    CLIENT_IP_HEADER: z
      .string()
      .default("")
      .transform((v) => v.trim().toLowerCase()),
    TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((v) =>
        v
          .split(",")
          .map((o) => o.trim())
          .filter(Boolean),
      ),
    /** Default per-API-key rate limit (a key may be created with a lower one). */
    API_KEY_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
    API_KEY_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
    /** Extra browser origins allowed to use cookie sessions (comma-separated), e.g. a separate web front end. */
    AUTH_TRUSTED_ORIGINS: z
      .string()
      .default("")
      .transform((v) =>
        v
          .split(",")
          .map((o) => o.trim())
          .filter(Boolean),
      ),
    /**
     * Browser origins of third-party apps allowed to call the API cross-origin (comma-separated, exact origins
     * such as https://app.example.com). Only these get CORS headers, credentials included; others get none.
     */
    CORS_ORIGINS: z
      .string()
      .default("")
      .transform((v) =>
        v
          .split(",")
          .map((o) => o.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z.string().refine((o) => {
            try {
              const u = new URL(o);
              return (u.protocol === "https:" || u.protocol === "http:") && u.origin === o && !o.includes("*");
            } catch {
              return false;
            }
          }, "each entry must be an exact origin such as https://app.example.com (scheme://host[:port], no path, no *)"),
        ),
      ),
    /** Folder of the local object storage (uploaded photos) on Node; default: `objects/` next to a file: database. */
    OBJECT_STORAGE_DIR: z.string().min(1).optional(),
    /** Largest listing photo accepted, in bytes. */
    PHOTO_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(20 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    /** Photos per listing. */
    PHOTOS_PER_LISTING_MAX: z.coerce.number().int().min(1).max(50).default(10),
  })
  .superRefine((c, ctx) => {
    const badProxies = findInvalidTrustedProxies(c.TRUSTED_PROXIES);
    if (badProxies.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["TRUSTED_PROXIES"],
        message: `not an IP address or CIDR range: ${badProxies.join(", ")}`,
      });
    }
    if (c.NODE_ENV === "production" && !c.BETTER_AUTH_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["BETTER_AUTH_SECRET"],
        message: "required in production (32+ random characters)",
      });
    }
    if (c.UPSTASH_REDIS_REST_URL && !c.UPSTASH_REDIS_REST_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["UPSTASH_REDIS_REST_TOKEN"],
        message: "required when UPSTASH_REDIS_REST_URL is set",
      });
    }
    if (
      c.NODE_ENV === "production" &&
      c.DATABASE_URL.startsWith("file:") === false &&
      !c.DATABASE_AUTH_TOKEN &&
      /^(libsql|https|wss):/.test(c.DATABASE_URL)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_AUTH_TOKEN"],
        message: "required for a remote Turso database in production",
      });
    }
  });

type ParsedConfig = z.infer<typeof configSchema>;

/**
 * Validated configuration. `WEB_CONCURRENCY` is resolved to a count and `SESSION_STORE` to the store in
 * use: unset, it is `upstash` when the Upstash variables are set (as before the variable existed), else
 * `libsql` when more than one process serves, else `memory`.
 */
export type Config = Omit<ParsedConfig, "WEB_CONCURRENCY" | "SESSION_STORE" | "DEMO_DATA"> & {
  WEB_CONCURRENCY: number;
  SESSION_STORE: SessionStoreKind;
  DEMO_DATA: boolean;
};

export interface LoadConfigOptions {
  /** CPU cores for `WEB_CONCURRENCY=auto` (Node: os.availableParallelism()); 1 when not given (Workers). */
  availableParallelism?: () => number;
}

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parse env vars / bindings; throws ConfigError naming every bad variable. Empty strings count as unset. */
export function loadConfig(source: Record<string, unknown>, options: LoadConfigOptions = {}): Config {
  const cleaned: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (typeof value === "string" && value.trim() === "") continue;
    cleaned[key] = value;
  }
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ variable: i.path.join(".") || "(root)", message: i.message })),
    );
  }
  const { WEB_CONCURRENCY: concurrency, SESSION_STORE: store, DEMO_DATA: demo, ...rest } = parsed.data;
  const processes =
    concurrency === "auto"
      ? Math.max(1, Math.min(MAX_PROCESSES, Math.floor(options.availableParallelism?.() ?? 1)))
      : concurrency;
  const upstash = rest.UPSTASH_REDIS_REST_URL !== undefined && rest.UPSTASH_REDIS_REST_TOKEN !== undefined;
  const sessionStore: SessionStoreKind = store ?? (upstash ? "upstash" : processes > 1 ? "libsql" : "memory");
  const issues: { variable: string; message: string }[] = [];
  if (sessionStore === "memory" && processes > 1) {
    issues.push({
      variable: "SESSION_STORE",
      message: `memory keeps sessions inside one process, but WEB_CONCURRENCY runs ${processes}: a session's events and feed pages would be split between them. Use libsql (the default then) or upstash`,
    });
  }
  if (sessionStore === "upstash" && !upstash) {
    issues.push({
      variable: "UPSTASH_REDIS_REST_URL",
      message: "required (with UPSTASH_REDIS_REST_TOKEN) when SESSION_STORE is upstash",
    });
  }
  // Removed setting: models always live in the database's registry now. A stale `file` must not be ignored
  // silently (its operator expects ./data/registry to be read).
  if (cleaned.MODEL_REGISTRY !== undefined && cleaned.MODEL_REGISTRY !== "libsql") {
    issues.push({
      variable: "MODEL_REGISTRY",
      message: "no longer a setting: models live in the registry tables of DATABASE_URL (unset it)",
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  // Demo data and the demo admin never appear in production unless asked for.
  const demoData = demo ?? rest.NODE_ENV !== "production";
  return { ...rest, WEB_CONCURRENCY: processes, SESSION_STORE: sessionStore, DEMO_DATA: demoData };
}
