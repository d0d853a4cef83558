/** Small type guards for validating parsed JSON by hand (faster than a schema library on the hot path). */
export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

/** Parses a JSONL line into an object, or null (JSON.parse throws, which we turn into a value). */
export function parseJsonObject(line: string): { ok: true; value: JsonObject } | { ok: false; json: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { ok: false, json: false };
  }
  return isObject(parsed) ? { ok: true, value: parsed } : { ok: false, json: true };
}
