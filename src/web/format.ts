/** Display helpers shared by the pages: money, ratings, dates, condition names. */

const moneyFormats = new Map<string, Intl.NumberFormat>();
function moneyFormat(currency: string): Intl.NumberFormat {
  let f = moneyFormats.get(currency);
  if (!f) {
    f = new Intl.NumberFormat("en-US", { style: "currency", currency });
    moneyFormats.set(currency, f);
  }
  return f;
}

/**
 * Digits of `currency`'s minor unit (ISO 4217 through Intl: USD 2, JPY 0, KWD 3): a listing's `amountMinor`
 * is in that unit, so 1500 JPY is ¥1,500 and 1500 USD is $15.00.
 */
export const minorDigits = (currency: string): number =>
  moneyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;

/** An amount in `currency`'s minor units, formatted for that currency, e.g. 12999 USD → "$129.99". */
export const money = (amountMinor: number, currency: string): string =>
  moneyFormat(currency).format(amountMinor / 10 ** minorDigits(currency));

/**
 * A price typed into a form ("349.50") in `currency`'s minor units; null when it is not a number, negative,
 * over `max` major units, or has more decimals than the currency has (0.5 JPY does not exist).
 */
export function parseMoneyInput(input: string, currency: string, max = 1_000_000): number | null {
  const s = input.trim();
  const digits = minorDigits(currency);
  if (!/^\d+(\.\d*)?$/.test(s) || (s.split(".")[1]?.length ?? 0) > digits) return null;
  const n = Number(s);
  return Number.isFinite(n) && n <= max ? Math.round(n * 10 ** digits) : null;
}

/** The catalog's new prices (Amazon US metadata) are major units in this currency. */
export const CATALOG_CURRENCY = "USD";

/** A catalog price (major units, CATALOG_CURRENCY). */
export const dollars = (price: number | null): string | null =>
  price === null ? null : moneyFormat(CATALOG_CURRENCY).format(price);

export const conditionNames = {
  new_open_box: "New (open box)",
  like_new: "Like new",
  good: "Good",
  fair: "Fair",
  for_parts: "For parts",
} as const satisfies Record<string, string>;

export const conditionName = (c: string): string => conditionNames[c as keyof typeof conditionNames] ?? c;

// Formatters are built once: toLocaleString/toLocaleDateString build a new Intl object per call, which was
// a measurable share of a page's render time (bench:web profile).
const integers = new Intl.NumberFormat("en-US");
const dates = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });

export const count = (n: number): string => integers.format(n);

/** "4.3 out of 5 (1,204 ratings)"; "No ratings yet" without any. */
export const ratingText = (avg: number | null, n: number): string =>
  avg === null || n === 0 ? "No ratings yet" : `${avg.toFixed(1)} out of 5 (${integers.format(n)} ratings)`;

export const stars = (avg: number | null): string => {
  if (avg === null) return "";
  const full = Math.round(avg);
  return "★".repeat(full) + "☆".repeat(5 - full);
};

export const shortDate = (iso: string | number): string => dates.format(new Date(iso));

/** A neutral drawn placeholder (data: URL, allowed by the page CSP) for products without an image. */
export const PLACEHOLDER_IMAGE =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" fill="#e3e7ec"/>' +
      '<rect x="22" y="30" width="56" height="36" rx="4" fill="none" stroke="#8a95a3" stroke-width="4"/>' +
      '<path d="M36 74h28" stroke="#8a95a3" stroke-width="4"/></svg>',
  );
