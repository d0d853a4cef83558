import fc from "fast-check";

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
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
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
  "key.victim.u.someone",
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

/** Hostile values: the known-bad list plus fast-check's own unicode strings, odd numbers and JSON values. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_VALUES) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
);

/**
 * fast-check arbitraries derived from an operation's JSON Schemas: mostly valid values (real resource ids from
 * the world's pools by property/parameter name, enums, formats, patterns, bounds), with hostile substitutions
 * at any level (weight `hostility` out of 10) so validation paths and handlers are both reached.
 */
export class SchemaArbitraries {
  constructor(
    private readonly components: Record<string, Schema>,
    /** Known good values by property/parameter name (ids of real resources, etc.). */
    private readonly pools: Record<string, readonly string[]>,
    private readonly hostility = 1,
  ) {}

  private resolve(s: Schema): Schema {
    let cur = s;
    for (let i = 0; cur.$ref && i < 10; i++) cur = this.components[cur.$ref.replace("#/components/schemas/", "")] ?? {};
    return cur;
  }

  of(schema: Schema, name: string, depth = 0): fc.Arbitrary<unknown> {
    const valid = this.valid(schema, name, depth);
    if (this.hostility <= 0) return valid;
    return fc.oneof({ weight: 10, arbitrary: valid }, { weight: this.hostility, arbitrary: hostile });
  }

  private valid(schema: Schema, name: string, depth: number): fc.Arbitrary<unknown> {
    const s = this.resolve(schema);
    const own = this.shape(s, name, depth);
    const pool = this.pools[name];
    return pool && pool.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...pool) }, own) : own;
  }

  private shape(s: Schema, name: string, depth: number): fc.Arbitrary<unknown> {
    if (s.const !== undefined) return fc.constant(s.const);
    if (s.enum && s.enum.length > 0) return fc.constantFrom(...s.enum);
    const alts = s.anyOf ?? s.oneOf;
    if (alts && alts.length > 0) return fc.oneof(...alts.map((a) => this.of(a, name, depth + 1)));
    if (s.allOf && s.allOf.length > 0) return this.of(s.allOf[0], name, depth + 1);
    const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ["object"] : [];
    if (types.length === 0) return depth > 3 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
    return fc.oneof(...types.map((t) => this.typed(t, s, name, depth)));
  }

  private typed(type: string, s: Schema, name: string, depth: number): fc.Arbitrary<unknown> {
    switch (type) {
      case "string":
        return this.string(s);
      case "integer": {
        const min = Math.ceil(s.minimum ?? s.exclusiveMinimum ?? -1000);
        const max = Math.floor(Math.min(s.maximum ?? s.exclusiveMaximum ?? min + 10_000, min + 1_000_000));
        return fc.integer({ min, max: Math.max(min, max) });
      }
      case "number": {
        const min = s.minimum ?? -1e6;
        const max = s.maximum ?? min + 1e6;
        return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
      }
      case "boolean":
        return fc.boolean();
      case "null":
        return fc.constant(null);
      case "array":
        if (depth > 6) return fc.constant([]);
        return fc.array(this.of(s.items ?? {}, name, depth + 1), {
          minLength: s.minItems ?? 0,
          maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 3, 3)),
        });
      default: {
        if (depth > 6 || !s.properties) return fc.constant({});
        const props: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, sub] of Object.entries(s.properties)) props[k] = this.of(sub, k, depth + 1);
        const record = fc.record(props, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
        if (this.hostility <= 0) return record;
        // Now and then an unknown (possibly hostile) property on top.
        return fc.oneof(
          { weight: 10, arbitrary: record },
          {
            weight: this.hostility,
            arbitrary: fc
              .tuple(record, hostileString, hostile)
              .map(([r, k, v]) => ({ ...(r as object), [k || "extra"]: v })),
          },
        );
      }
    }
  }

  private string(s: Schema): fc.Arbitrary<string> {
    if (s.format === "date-time")
      return fc
        .integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2026, 11, 31) })
        .map((ms) => new Date(ms).toISOString());
    if (s.format === "email") return fc.emailAddress();
    if (s.format === "uri") return fc.webUrl({ validSchemes: ["https"] });
    if (s.pattern) {
      try {
        const bounded = fc.stringMatching(new RegExp(s.pattern));
        return s.maxLength === undefined ? bounded : bounded.filter((v) => v.length <= (s.maxLength as number));
      } catch {
        // A pattern fast-check cannot generate from: plain strings within the bounds below.
      }
    }
    const minLength = s.minLength ?? 0;
    const maxLength = Math.max(minLength, Math.min(s.maxLength ?? 24, 64));
    return fc.string({ minLength, maxLength });
  }
}
