import type { JsonObject } from "./json-fields";

/**
 * Parses a Python literal (dict/list/str/number/True/False/None) as written by `str(dict)`: the third-party
 * `items_meta.processed.csv` stores `details` that way (`{'Brand': 'TULA', 'Size': "C'est"}`), which JSON.parse
 * rejects. Returns undefined on anything it does not understand.
 */
export function parsePythonLiteral(src: string): unknown {
  let i = 0;
  const ws = () => {
    while (i < src.length && /\s/.test(src[i])) i++;
  };
  const fail = Symbol("fail");
  type Value = unknown;
  const value = (): Value | typeof fail => {
    ws();
    const c = src[i];
    if (c === "{") {
      i++;
      const out: JsonObject = {};
      ws();
      if (src[i] === "}") return i++, out;
      for (;;) {
        const k = value();
        if (k === fail) return fail;
        ws();
        if (src[i++] !== ":") return fail;
        const v = value();
        if (v === fail) return fail;
        out[String(k)] = v;
        ws();
        const sep = src[i++];
        if (sep === "}") return out;
        if (sep !== ",") return fail;
        ws();
        if (src[i] === "}") return i++, out;
      }
    }
    if (c === "[" || c === "(") {
      const close = c === "[" ? "]" : ")";
      i++;
      const out: unknown[] = [];
      ws();
      if (src[i] === close) return i++, out;
      for (;;) {
        const v = value();
        if (v === fail) return fail;
        out.push(v);
        ws();
        const sep = src[i++];
        if (sep === close) return out;
        if (sep !== ",") return fail;
        ws();
        if (src[i] === close) return i++, out;
      }
    }
    if (c === "'" || c === '"') {
      i++;
      let s = "";
      while (i < src.length && src[i] !== c) {
        if (src[i] === "\\" && i + 1 < src.length) {
          const e = src[i + 1];
          s += e === "n" ? "\n" : e === "t" ? "\t" : e === "r" ? "\r" : e;
          i += 2;
        } else s += src[i++];
      }
      if (i >= src.length) return fail;
      i++;
      return s;
    }
    const m = /^(True|False|None|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(src.slice(i, i + 40));
    if (!m) return fail;
    i += m[0].length;
    return m[0] === "True" ? true : m[0] === "False" ? false : m[0] === "None" ? null : Number(m[0]);
  };
  const v = value();
  ws();
  return v === fail || i !== src.length ? undefined : v;
}
