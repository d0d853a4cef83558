import { LEAF_CATEGORIES } from "./taxonomy";
import { BRAND_COLORS, type Shape } from "./title-specs";

/**
 * Drawn product images for products without a real image URL (the demo catalog, metadata without images):
 * a simple device silhouette for the product's category in its brand's colour, with the brand name. A pure
 * function of (category path, brand, title): the same product always gets the same bytes, so the route can
 * cache it for good. Web-standard only (runs on Node and workerd).
 */

/** Silhouettes on a 400x400 canvas, drawn in `currentColor` (the brand colour) with light details. */
const SHAPES: Record<Shape, string> = {
  laptop: `<rect x="90" y="110" width="220" height="140" rx="10"/><rect x="102" y="122" width="196" height="116" rx="4" fill="#fff" opacity=".85"/><path d="M60 262h280l-18 22H78z"/>`,
  tablet: `<rect x="120" y="80" width="160" height="230" rx="18"/><rect x="132" y="96" width="136" height="196" rx="6" fill="#fff" opacity=".85"/>`,
  monitor: `<rect x="70" y="90" width="260" height="160" rx="8"/><rect x="82" y="102" width="236" height="136" rx="3" fill="#fff" opacity=".85"/><rect x="188" y="250" width="24" height="36"/><rect x="140" y="284" width="120" height="12" rx="6"/>`,
  mouse: `<rect x="145" y="95" width="110" height="190" rx="55"/><path d="M200 95v70" stroke="#fff" stroke-width="6"/><rect x="193" y="118" width="14" height="28" rx="7" fill="#fff"/>`,
  keyboard: `<rect x="50" y="140" width="300" height="120" rx="12"/><g fill="#fff" opacity=".85"><rect x="66" y="156" width="268" height="18" rx="3"/><rect x="66" y="182" width="268" height="18" rx="3"/><rect x="66" y="208" width="268" height="18" rx="3"/><rect x="120" y="234" width="160" height="14" rx="3"/></g>`,
  hub: `<rect x="110" y="150" width="180" height="90" rx="16"/><g fill="#fff"><rect x="130" y="185" width="26" height="12" rx="2"/><rect x="166" y="185" width="26" height="12" rx="2"/><rect x="202" y="185" width="26" height="12" rx="2"/><rect x="238" y="185" width="26" height="12" rx="2"/></g><path d="M290 195h50" stroke="currentColor" stroke-width="10" stroke-linecap="round"/>`,
  bag: `<path d="M160 120a40 40 0 0 1 80 0v20h-14v-20a26 26 0 0 0-52 0v20h-14z"/><rect x="100" y="140" width="200" height="160" rx="20"/><rect x="130" y="200" width="140" height="60" rx="10" fill="#fff" opacity=".3"/>`,
  headphones: `<path d="M110 230v-40a90 90 0 0 1 180 0v40" fill="none" stroke="currentColor" stroke-width="18"/><rect x="90" y="215" width="50" height="85" rx="20"/><rect x="260" y="215" width="50" height="85" rx="20"/>`,
  earbuds: `<rect x="120" y="190" width="160" height="110" rx="40"/><path d="M120 235h160" stroke="#fff" stroke-width="4"/><circle cx="160" cy="140" r="26"/><rect x="150" y="140" width="20" height="50" rx="8"/><circle cx="240" cy="140" r="26"/><rect x="230" y="140" width="20" height="50" rx="8"/>`,
  phone: `<rect x="140" y="70" width="120" height="250" rx="22"/><rect x="150" y="88" width="100" height="214" rx="12" fill="#fff" opacity=".85"/><rect x="185" y="78" width="30" height="6" rx="3" fill="#fff"/>`,
  case: `<rect x="135" y="70" width="130" height="260" rx="28"/><rect x="150" y="86" width="100" height="228" rx="18" fill="#fff" opacity=".35"/><rect x="160" y="96" width="44" height="44" rx="10" fill="#fff" opacity=".85"/>`,
  charger: `<rect x="135" y="140" width="130" height="130" rx="22"/><rect x="170" y="100" width="14" height="44" rx="3"/><rect x="216" y="100" width="14" height="44" rx="3"/><rect x="185" y="220" width="30" height="12" rx="4" fill="#fff"/>`,
  cable: `<path d="M110 110c0 140 180 40 180 180" fill="none" stroke="currentColor" stroke-width="14" stroke-linecap="round"/><rect x="92" y="70" width="36" height="60" rx="8"/><rect x="272" y="270" width="36" height="60" rx="8"/>`,
  battery: `<rect x="110" y="110" width="70" height="190" rx="12"/><rect x="130" y="96" width="30" height="16" rx="4"/><rect x="220" y="110" width="70" height="190" rx="12"/><rect x="240" y="96" width="30" height="16" rx="4"/><path d="M145 180v40M125 200h40M255 180v40M235 200h40" stroke="#fff" stroke-width="8"/>`,
  camera: `<rect x="80" y="140" width="240" height="150" rx="18"/><rect x="120" y="118" width="70" height="30" rx="8"/><circle cx="200" cy="215" r="52" fill="#fff" opacity=".9"/><circle cx="200" cy="215" r="34"/><circle cx="285" cy="165" r="8" fill="#fff"/>`,
  card: `<path d="M140 90h100l30 30v190a10 10 0 0 1-10 10H140a10 10 0 0 1-10-10V100a10 10 0 0 1 10-10z"/><g fill="#fff" opacity=".85"><rect x="152" y="104" width="12" height="36" rx="2"/><rect x="172" y="104" width="12" height="36" rx="2"/><rect x="192" y="104" width="12" height="36" rx="2"/><rect x="212" y="104" width="12" height="36" rx="2"/></g><rect x="150" y="200" width="100" height="70" rx="6" fill="#fff" opacity=".3"/>`,
  tv: `<rect x="50" y="90" width="300" height="180" rx="8"/><rect x="60" y="100" width="280" height="160" rx="3" fill="#fff" opacity=".85"/><path d="M150 300l20-30h60l20 30z"/>`,
  stick: `<rect x="100" y="170" width="170" height="60" rx="14"/><rect x="270" y="185" width="40" height="30" rx="4"/><rect x="150" y="250" width="40" height="110" rx="20" opacity=".8"/><circle cx="170" cy="280" r="10" fill="#fff"/>`,
  soundbar: `<rect x="40" y="170" width="320" height="60" rx="28"/><g fill="#fff" opacity=".5"><circle cx="90" cy="200" r="12"/><circle cx="310" cy="200" r="12"/></g><rect x="150" y="250" width="100" height="80" rx="12" opacity=".85"/>`,
  speaker: `<rect x="110" y="130" width="180" height="150" rx="60"/><circle cx="200" cy="205" r="45" fill="#fff" opacity=".85"/><circle cx="200" cy="205" r="18"/>`,
  console: `<rect x="80" y="150" width="240" height="110" rx="22"/><rect x="130" y="168" width="140" height="74" rx="6" fill="#fff" opacity=".85"/><circle cx="105" cy="205" r="10" fill="#fff"/><circle cx="295" cy="205" r="10" fill="#fff"/>`,
  controller: `<path d="M120 160h160c40 0 60 60 60 110 0 30-30 40-50 10l-30-40H140l-30 40c-20 30-50 20-50-10 0-50 20-110 60-110z"/><g fill="#fff"><rect x="118" y="200" width="40" height="12" rx="4"/><rect x="132" y="186" width="12" height="40" rx="4"/><circle cx="260" cy="190" r="8"/><circle cx="280" cy="210" r="8"/><circle cx="240" cy="210" r="8"/><circle cx="260" cy="230" r="8"/></g>`,
  watch: `<rect x="165" y="60" width="70" height="280" rx="20" opacity=".6"/><rect x="140" y="130" width="120" height="140" rx="30"/><rect x="154" y="146" width="92" height="108" rx="20" fill="#fff" opacity=".85"/>`,
  band: `<rect x="170" y="60" width="60" height="280" rx="28"/><rect x="158" y="160" width="84" height="80" rx="22" fill="#fff" opacity=".5"/><circle cx="200" cy="300" r="6" fill="#fff"/><circle cx="200" cy="280" r="6" fill="#fff"/>`,
  box: `<path d="M200 90l110 50v130l-110 50-110-50V140z"/><path d="M90 140l110 50 110-50M200 190v130" fill="none" stroke="#fff" stroke-width="6" opacity=".7"/>`,
};

/** Leaf category name → shape, for products whose category path ends in a demo leaf. */
const SHAPE_BY_LEAF_NAME = new Map<string, Shape>();
for (const leaf of LEAF_CATEGORIES) SHAPE_BY_LEAF_NAME.set(leaf.path.join(" > "), leaf.shape);

/** Title words → shape, for real products in other trees (first match wins; checked on the leading words). */
const SHAPE_BY_WORD: [RegExp, Shape][] = [
  [/\b(case|cover|sleeve)\b/i, "case"],
  [/\b(bag|backpack)\b/i, "bag"],
  [/\b(laptop|notebook|chromebook|macbook)\b/i, "laptop"],
  [/\b(tablet|ipad)\b/i, "tablet"],
  [/\b(monitor|display)\b/i, "monitor"],
  [/\b(tv|television)\b/i, "tv"],
  [/\b(phone|smartphone|iphone)\b/i, "phone"],
  [/\b(headphones?|headset)\b/i, "headphones"],
  [/\b(earbuds?|earphones?)\b/i, "earbuds"],
  [/\b(mouse)\b/i, "mouse"],
  [/\b(keyboard)\b/i, "keyboard"],
  [/\b(camera|cam)\b/i, "camera"],
  [/\b(speaker)\b/i, "speaker"],
  [/\b(cable|cord)\b/i, "cable"],
  [/\b(charger|adapter|power bank)\b/i, "charger"],
  [/\b(watch)\b/i, "watch"],
];

export function shapeFor(categoryPath: string | null, title: string): Shape {
  const byLeaf = categoryPath === null ? undefined : SHAPE_BY_LEAF_NAME.get(categoryPath);
  if (byLeaf) return byLeaf;
  for (const [re, shape] of SHAPE_BY_WORD) if (re.test(title)) return shape;
  return "box";
}

/** A brand's colour: the known one, else a stable hue from the name (dark enough for white details). */
export function brandColor(brand: string | null): string {
  if (brand && BRAND_COLORS[brand]) return BRAND_COLORS[brand];
  let h = 2166136261;
  for (const ch of brand ?? "") h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return `hsl(${(h >>> 0) % 360} 55% 38%)`;
}

const escapeXml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[ch] ?? ch);

export interface ImageSubject {
  categoryPath: string | null;
  brand: string | null;
  title: string;
}

/** The SVG document for a product (400x400, ~1-2 KB). */
export function productImageSvg(p: ImageSubject): string {
  const color = brandColor(p.brand);
  const shape = shapeFor(p.categoryPath, p.title);
  const label = escapeXml((p.brand ?? "").slice(0, 24));
  const alt = escapeXml(p.title.slice(0, 120));
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img" aria-label="${alt}">` +
    `<rect width="400" height="400" fill="${color}" opacity=".08"/>` +
    `<rect width="400" height="400" fill="#f6f7f9" opacity=".7"/>` +
    `<g fill="currentColor" color="${color}">${SHAPES[shape]}</g>` +
    (label
      ? `<text x="200" y="370" text-anchor="middle" font-family="system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif" font-size="22" font-weight="700" fill="${color}">${label}</text>`
      : "") +
    "</svg>"
  );
}
