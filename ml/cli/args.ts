import { getPreset } from "./presets.js";

/** Minimal `--flag value` / `--flag=value` parser for the ml CLIs (repeatable flags collect into arrays). */
export interface ParsedArgs {
  get(name: string): string | undefined;
  all(name: string): string[];
  has(name: string): boolean;
}

export function parseArgs(argv: string[], known: string[], booleans: string[] = []): ParsedArgs {
  const values = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") continue;
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${JSON.stringify(a)}`);
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf("=");
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (!known.includes(name) && !booleans.includes(name))
      throw new Error(`unknown option --${name}; known: ${[...known, ...booleans].map((k) => `--${k}`).join(" ")}`);
    if (booleans.includes(name)) {
      value ??= "true";
    } else if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
    }
    const list = values.get(name) ?? [];
    list.push(value);
    values.set(name, list);
  }
  return {
    get: (n) => values.get(n)?.at(-1),
    all: (n) => values.get(n) ?? [],
    has: (n) => values.has(n),
  };
}

export function intArg(args: ParsedArgs, name: string, fallback: number): number {
  const v = args.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer, got ${v}`);
  return n;
}

/** `--param model.key=value` (repeatable) into per-model parameter maps, after the `--preset`'s own (which they override). */
export function modelParams(args: ParsedArgs): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const preset = getPreset(args.has("preset") ? args.get("preset") : undefined);
  for (const p of [...(preset?.params ?? []), ...args.all("param")]) {
    const m = /^([^.=]+)\.([^=]+)=(.*)$/.exec(p);
    if (m === null) throw new Error(`--param expects model.key=value, got ${p}`);
    (out[m[1]] ??= {})[m[2]] = m[3];
  }
  return out;
}
