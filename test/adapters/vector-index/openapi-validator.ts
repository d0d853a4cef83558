/**
 * Validates HTTP requests and responses against an OpenAPI 3.0 document with Ajv. OpenAPI 3.0
 * schemas are not quite JSON Schema, so they are converted first:
 * - `nullable: true` becomes a `null` type (also the bare `{ "nullable": true }` used inside anyOf),
 * - `$ref`s are resolved against the document's components,
 * - Rust-style numeric formats (uint64, float, ...) are registered as range checks,
 * - objects that list `properties` but say nothing about `additionalProperties` are CLOSED, so an
 *   undocumented or misspelt field (e.g. `with_payloads`) is a violation rather than silently ignored.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: JsonObject;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonObject }> };
  responses: Record<string, { content?: Record<string, { schema: JsonObject }> }>;
}

export interface MatchedOperation {
  operationId: string;
  template: string;
  method: string;
  pathParams: Record<string, string>;
  operation: Operation;
}

const SCHEMA_ID = "openapi";
const JSON_SCHEMA_KEYS = new Set([
  "type",
  "properties",
  "items",
  "anyOf",
  "oneOf",
  "allOf",
  "$ref",
  "enum",
  "format",
  "additionalProperties",
  "required",
  "minimum",
  "maximum",
]);

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** OpenAPI 3.0 schema -> JSON Schema (draft-07 as Ajv reads it). */
export function convertSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(convertSchema);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "example" || k === "nullable" || k === "deprecated") continue;
    if (k === "$ref" && typeof v === "string") out[k] = v.startsWith("#/") ? `${SCHEMA_ID}${v}` : v;
    else if (k === "properties" && isObject(v))
      out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, convertSchema(s)]));
    else out[k] = convertSchema(v);
  }
  if (out.type === "object" && isObject(out.properties) && !("additionalProperties" in out))
    out.additionalProperties = false;
  if (node.nullable === true) {
    const hasSchema = Object.keys(out).some((k) => JSON_SCHEMA_KEYS.has(k));
    if (!hasSchema) return { ...out, type: "null" };
    if (typeof out.type === "string" && !out.$ref && !out.anyOf && !out.oneOf) {
      const nullable: JsonObject = { ...out, type: [out.type, "null"] };
      if (Array.isArray(out.enum)) nullable.enum = [...out.enum, null];
      return nullable;
    }
    return { anyOf: [out, { type: "null" }] };
  }
  return out;
}

function registerFormats(ajv: Ajv): void {
  const int = (min: number, max: number) => (n: number) => Number.isInteger(n) && n >= min && n <= max;
  ajv.addFormat("uint", { type: "number", validate: int(0, Number.MAX_SAFE_INTEGER) });
  ajv.addFormat("uint64", { type: "number", validate: int(0, Number.MAX_SAFE_INTEGER) });
  ajv.addFormat("uint32", { type: "number", validate: int(0, 2 ** 32 - 1) });
  ajv.addFormat("uint8", { type: "number", validate: int(0, 255) });
  ajv.addFormat("int64", { type: "number", validate: int(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) });
  ajv.addFormat("float", {
    type: "number",
    validate: (n: number) => Number.isFinite(n) && Math.abs(n) <= 3.4028234663852886e38,
  });
  ajv.addFormat("double", { type: "number", validate: Number.isFinite });
  ajv.addFormat("partial-date-time", { type: "string", validate: () => true });
  ajv.addFormat("binary", { type: "string", validate: () => true });
}

export class OpenApiValidator {
  private readonly ajv: Ajv;
  private readonly routes: {
    template: string;
    regex: RegExp;
    names: string[];
    literal: number;
    methods: Record<string, Operation>;
  }[];
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(doc: {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Json> };
  }) {
    // strict: false because the document carries annotations Ajv does not know (e.g. "default" inside anyOf).
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
    addFormats(this.ajv);
    registerFormats(this.ajv);
    this.ajv.addSchema({ $id: SCHEMA_ID, components: { schemas: convertSchema(doc.components.schemas) } });
    this.routes = Object.entries(doc.paths).map(([template, methods]) => {
      const names: string[] = [];
      const pattern = template
        .replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === "{" || c === "}" ? c : `\\${c}`))
        .replace(/\{([^}]+)\}/g, (_, n: string) => {
          names.push(n);
          return "([^/]+)";
        });
      return {
        template,
        regex: new RegExp(`^${pattern}$`),
        names,
        literal: template.replace(/\{[^}]+\}/g, "").length,
        methods,
      };
    });
    // Most literal template first, so /collections/aliases wins over /collections/{collection_name}.
    this.routes.sort((a, b) => b.literal - a.literal);
  }

  static fromFile(path: string): OpenApiValidator {
    return new OpenApiValidator(JSON.parse(readFileSync(path, "utf8")));
  }

  match(method: string, pathname: string): MatchedOperation | undefined {
    const m = method.toLowerCase();
    for (const route of this.routes) {
      const found = route.regex.exec(pathname);
      const operation = route.methods[m];
      if (!found || !operation) continue;
      const pathParams = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(found[i + 1])]));
      return { operationId: operation.operationId, template: route.template, method: m, pathParams, operation };
    }
    return undefined;
  }

  /** Violations of the request (empty = valid). */
  validateRequest(op: MatchedOperation, query: URLSearchParams, body: unknown): string[] {
    const errors: string[] = [];
    const params = op.operation.parameters ?? [];
    for (const [name, raw] of query) {
      const p = params.find((x) => x.in === "query" && x.name === name);
      if (!p) {
        errors.push(`query parameter "${name}" is not documented`);
        continue;
      }
      errors.push(
        ...this.check(`param:${op.operationId}:${name}`, p.schema ?? {}, coerce(raw, p.schema), `query.${name}`),
      );
    }
    for (const p of params) {
      if (p.in === "path")
        errors.push(
          ...this.check(
            `path:${op.operationId}:${p.name}`,
            p.schema ?? {},
            coerce(op.pathParams[p.name], p.schema),
            `path.${p.name}`,
          ),
        );
      if (p.in === "query" && p.required && !query.has(p.name))
        errors.push(`required query parameter "${p.name}" missing`);
    }
    const rb = op.operation.requestBody;
    if (body === undefined) {
      if (rb?.required) errors.push("request body is required");
    } else if (!rb) {
      errors.push("operation takes no request body");
    } else {
      const schema = rb.content["application/json"]?.schema;
      if (!schema) errors.push("operation has no application/json body");
      else errors.push(...this.check(`req:${op.operationId}`, schema, body, "body"));
    }
    return errors.map((e) => `${op.method.toUpperCase()} ${op.template} (${op.operationId}): ${e}`);
  }

  /** Violations of a response we are about to send (empty = valid). */
  validateResponse(op: MatchedOperation, status: number, body: unknown): string[] {
    const responses = op.operation.responses;
    const entry = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
    const schema = entry?.content?.["application/json"]?.schema;
    if (!schema) return [`${op.operationId}: no documented JSON response for status ${status}`];
    return this.check(`res:${op.operationId}:${status}`, schema, body, "response").map(
      (e) => `${op.operationId} -> ${status}: ${e}`,
    );
  }

  private check(key: string, schema: JsonObject, data: unknown, where: string): string[] {
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajv.compile(convertSchema(schema) as object);
      this.cache.set(key, validate);
    }
    if (validate(data)) return [];
    return (validate.errors ?? [])
      .slice(0, 8)
      .map((e) => `${where}${e.instancePath} ${e.message ?? "invalid"} ${JSON.stringify(e.params)}`);
  }
}

/** Query/path strings to the type their schema asks for (Ajv then checks the value). */
function coerce(raw: string | undefined, schema: JsonObject | undefined): unknown {
  if (raw === undefined) return undefined;
  const type = schema?.type;
  if (type === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  if (type === "integer" || type === "number")
    return raw.trim() !== "" && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
  return raw;
}
