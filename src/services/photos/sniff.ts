/**
 * Image type from the first bytes (magic numbers), never from the client's Content-Type or file name: a
 * script renamed `.jpg` is refused. Only the formats browsers show everywhere are accepted.
 */
export const photoTypes = {
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
} as const;
export type PhotoExt = keyof typeof photoTypes;

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) =>
  b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);

export function sniffPhoto(bytes: Uint8Array): { ext: PhotoExt; contentType: string } | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { ext: "jpg", contentType: photoTypes.jpg };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { ext: "png", contentType: photoTypes.png };
  // RIFF <size:4> WEBP
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8))
    return { ext: "webp", contentType: photoTypes.webp };
  return null;
}
