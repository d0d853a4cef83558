import type { Rng } from "./random";

/** A JSON Schema as /openapi.json writes it (the subset the generator reads). */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  pattern?: string;
  additionalProperties?: boolean | Schema;
}

/** Inputs that have broken servers before: odd encodings, limits, injection shapes, wrong types. */
export const HOSTILE_STRINGS = [
  "",
  " ",
  "%",
  "_",
  "\\",
  "%_\\",
  "' OR 1=1 --",
  '"; DROP TABLE user; --',
  "../../../../etc/passwd",
  "%2e%2e%2f",
  "\u0000",
  "\uffff\ud800",
  "😀🔥",
  "<script>alert(1)</script>",
  "NaN",
  "Infinity",
  "-1",
  "1e309",
  "9".repeat(400),
  "a".repeat(5000),
  "null",
  "undefined",
  "__proto__",
  "constructor",
  "x".repeat(101),
  "2026-13-45T99:99:99Z",
];
export const HOSTILE_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2 ** 53 + 1,
  -(2 ** 31),
  1e308,
  [],
  {},
  [null],
  { __proto__: { admin: true } },
  { constructor: { prototype: {} } },
  ...HOSTILE_STRINGS,
];

/** `{"a":{"a":...}}` nested `depth` deep: built as text so nothing here recurses. */
export const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

export class ValueGen {
  constructor(
    private readonly rng: Rng,
    private readonly components: Record<string, Schema>,
    /** Known good values by property/parameter name (ids of real resources, etc.). */
    private readonly pools: Record<string, readonly string[]>,
  ) {}

  hostile(): unknown {
    return this.rng.pick(HOSTILE_VALUES);
  }

  hostileString(): string {
    return this.rng.pick(HOSTILE_STRINGS);
  }

  resolve(s: Schema): Schema {
    let cur = s;
    for (let i = 0; cur.$ref && i < 10; i++) cur = this.components[cur.$ref.replace("#/components/schemas/", "")] ?? {};
    return cur;
  }

  /** A value valid for `schema` most of the time, with hostile substitutions at rate `hostility`. */
  value(schema: Schema, name: string, hostility: number, depth = 0): unknown {
    const r = this.rng;
    if (r.chance(hostility)) return this.hostile();
    const s = this.resolve(schema);
    const pool = this.pools[name];
    if (pool && pool.length > 0 && r.chance(0.8)) return r.pick(pool);
    if (s.const !== undefined) return s.const;
    if (s.enum) return r.pick(s.enum);
    const alts = s.anyOf ?? s.oneOf;
    if (alts && alts.length > 0) return this.value(r.pick(alts), name, hostility, depth + 1);
    if (s.allOf && s.allOf.length > 0) return this.value(s.allOf[0], name, hostility, depth + 1);
    const type = Array.isArray(s.type) ? r.pick(s.type) : s.type;
    switch (type) {
      case "string":
        return this.string(s);
      case "integer":
      case "number": {
        const lo = s.minimum ?? 0;
        const hi = Math.min(s.maximum ?? lo + 1000, lo + 1_000_000);
        const n = r.int(Math.ceil(lo), Math.floor(hi));
        return type === "integer" ? n : n + (r.chance(0.3) ? 0.5 : 0);
      }
      case "boolean":
        return r.chance(0.5);
      case "null":
        return null;
      case "array": {
        if (depth > 6) return [];
        const n = r.int(s.minItems ?? 0, Math.min(s.maxItems ?? 3, 3));
        return Array.from({ length: n }, () => this.value(s.items ?? {}, name, hostility, depth + 1));
      }
      default: {
        if (depth > 6 || !s.properties) return {};
        const out: Record<string, unknown> = {};
        for (const [k, sub] of Object.entries(s.properties)) {
          const required = s.required?.includes(k) ?? false;
          if (required ? r.chance(0.97) : r.chance(0.5)) out[k] = this.value(sub, k, hostility, depth + 1);
        }
        if (r.chance(hostility)) out[this.hostileString() || "extra"] = this.hostile();
        return out;
      }
    }
  }

  private string(s: Schema): string {
    const r = this.rng;
    if (s.format === "date-time") return new Date(Date.UTC(2026, 0, 1) - r.int(0, 10 ** 9)).toISOString();
    if (s.format === "email") return `fuzz${r.int(0, 1e6)}@example.test`;
    if (s.format === "uri") return "https://example.test/x";
    const min = s.minLength ?? 1;
    const max = Math.min(s.maxLength ?? 24, 64);
    const len = r.int(min, Math.max(min, max));
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_";
    let out = "";
    for (let i = 0; i < len; i++) out += alphabet[r.int(0, alphabet.length - 1)];
    return out;
  }
}
