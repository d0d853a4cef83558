/**
 * Version ids sort by time and carry a short content hash: `<yyyymmddThhmmss>-<hash8>` (FNV-1a of
 * `fingerprint`), so two versions registered in the same second still differ.
 */
export function makeVersion(createdAt: Date, fingerprint: string): string {
  const stamp = createdAt
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "");
  let h = 0x811c9dc5;
  for (let i = 0; i < fingerprint.length; i++) {
    h ^= fingerprint.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${stamp}-${(h >>> 0).toString(16).padStart(8, "0")}`;
}
