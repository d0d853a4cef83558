import { z } from "zod";

/**
 * The one contract over environment variables (Node) and Worker bindings (workerd). Parsed once at
 * start; a bad value fails fast with the variable's name. Optional groups turn production adapters
 * on (Turso, Upstash, Qdrant, Hugging Face); with nothing set, the embedded defaults run.
 */
const port = z.coerce.number().int().min(1).max(65_535);
const bool = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");

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
    MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(256 * 1024),
    /** Load the demo catalog when the database is empty (Node start only). */
    DEMO_DATA: bool.default(true),
    UPSTASH_REDIS_REST_URL: z.url().optional(),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
    QDRANT_URL: z.url().optional(),
    QDRANT_API_KEY: z.string().min(1).optional(),
    HF_TOKEN: z.string().min(1).optional(),
    BETTER_AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    BETTER_AUTH_URL: z.url().optional(),
    /** Session lifetime (sliding: refreshed at most once per SESSION_UPDATE_AGE_SECONDS of use). */
    SESSION_EXPIRES_IN_SECONDS: z.coerce.number().int().min(60).default(7 * 24 * 3600),
    SESSION_UPDATE_AGE_SECONDS: z.coerce.number().int().min(0).default(24 * 3600),
    /** A session unused for longer than this is rejected and deleted (enforced by our middleware). */
    SESSION_IDLE_TIMEOUT_MINUTES: z.coerce.number().int().min(1).default(30),
    /** Auth routes: sign-in/sign-up/change-password attempts per client IP per window. */
    AUTH_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
    AUTH_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(10),
    /** Every other /api/auth route, per client IP per window. */
    AUTH_RATE_LIMIT_GLOBAL_MAX: z.coerce.number().int().min(1).default(300),
    /** Default per-API-key rate limit (a key may be created with a lower one). */
    API_KEY_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
    API_KEY_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
    /** Extra browser origins allowed to use cookie sessions (comma-separated), e.g. a separate web front end. */
    AUTH_TRUSTED_ORIGINS: z
      .string()
      .default("")
      .transform((v) => v.split(",").map((o) => o.trim()).filter(Boolean)),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === "production" && !c.BETTER_AUTH_SECRET) {
      ctx.addIssue({ code: "custom", path: ["BETTER_AUTH_SECRET"], message: "required in production (32+ random characters)" });
    }
    if (c.UPSTASH_REDIS_REST_URL && !c.UPSTASH_REDIS_REST_TOKEN) {
      ctx.addIssue({ code: "custom", path: ["UPSTASH_REDIS_REST_TOKEN"], message: "required when UPSTASH_REDIS_REST_URL is set" });
    }
    if (c.NODE_ENV === "production" && c.DATABASE_URL.startsWith("file:") === false && !c.DATABASE_AUTH_TOKEN && /^(libsql|https|wss):/.test(c.DATABASE_URL)) {
      ctx.addIssue({ code: "custom", path: ["DATABASE_AUTH_TOKEN"], message: "required for a remote Turso database in production" });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parse env vars / bindings; throws ConfigError naming every bad variable. Empty strings count as unset. */
export function loadConfig(source: Record<string, unknown>): Config {
  const cleaned: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (typeof value === "string" && value.trim() === "") continue;
    cleaned[key] = value;
  }
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: i.path.join(".") || "(root)", message: i.message })));
  }
  return parsed.data;
}
