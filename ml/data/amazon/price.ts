/**
 * Normalises a metadata price. The official schema says "number or null", but real files also hold strings
 * such as "$12.99", "1,299.00", "None", "—" or ranges like "$10.99 - $15.99" (the lower bound is kept).
 * Returns null for anything without a usable non-negative number.
 */
export function parsePrice(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== "string") return null;
  const m = /\d[\d,]*(?:\.\d+)?/.exec(value);
  if (!m) return null;
  const n = Number(m[0].replace(/,/g, ""));
  return Number.isFinite(n) ? n : null;
}
