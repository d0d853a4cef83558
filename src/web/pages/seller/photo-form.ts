import { sniffPhoto } from "../../../services/photos/sniff";

/**
 * The seller pages' photo forms, read for a browser: the same size and type rules as the API upload
 * (POST /v1/listings/{id}/photos answers them as JSON 413/415), but a refused photo comes back as a field error
 * the page shows next to the photo input, with the other fields kept. The size limit applies while the body
 * streams in: the bytes past it are never buffered. The fields before the photo (the photo input is the
 * form's last field, so a browser sends them first) are still parsed from the part that was read.
 */

export type PhotoError =
  | { code: "photo_too_large"; status: 413; message: string }
  | { code: "unsupported_photo_type"; status: 415; message: string };

export interface PhotoForm {
  /** The text fields, as sent. */
  fields: Record<string, string>;
  /** The photo's bytes when one was chosen and passed the checks. */
  photo: Uint8Array | null;
  /** Why the chosen photo was refused (null: none chosen, or accepted). */
  photoError: PhotoError | null;
}

/** Multipart overhead allowed on top of the photo limit (boundaries, part headers, the other fields). */
const MULTIPART_SLACK = 16 * 1024;
/**
 * Past the limit the rest of the upload is read and dropped, up to this many bytes, before the page answers:
 * a browser still sending when the server answers and closes sees a reset connection, not the page. A body
 * larger still is cut off (the browser then shows its own network error; nobody posts 64 MB by accident).
 */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export const photoTooLarge = (maxBytes: number): PhotoError => ({
  code: "photo_too_large",
  status: 413,
  message: `That photo is too large: a photo may be at most ${mb(maxBytes)}. Choose a smaller file.`,
});

export const unsupportedPhoto = (): PhotoError => ({
  code: "unsupported_photo_type",
  status: 415,
  message: "That file is not a JPEG, PNG or WebP image. Choose a photo in one of those formats.",
});

export async function readPhotoForm(req: Request, maxBytes: number): Promise<PhotoForm> {
  const type = req.headers.get("content-type") ?? "";
  const boundary = /^multipart\/form-data;.*\bboundary="?([^";]+)"?/i.exec(type)?.[1];
  const { bytes, overflow } = await readCapped(req.body, maxBytes + MULTIPART_SLACK);
  if (!boundary) {
    // A form without a file input's encoding (urlencoded): fields only.
    const form = await new Response(bytes, { headers: { "content-type": type } }).formData().catch(() => null);
    return { fields: textFields(form), photo: null, photoError: null };
  }
  if (overflow) {
    const form = await parseMultipart(cutAtLastPart(bytes, boundary), type);
    return { fields: textFields(form), photo: null, photoError: photoTooLarge(maxBytes) };
  }
  const form = await parseMultipart(bytes, type);
  const file = form?.get("photo");
  if (!(file instanceof File) || file.size === 0) return { fields: textFields(form), photo: null, photoError: null };
  if (file.size > maxBytes) return { fields: textFields(form), photo: null, photoError: photoTooLarge(maxBytes) };
  const photo = new Uint8Array(await file.arrayBuffer());
  if (!sniffPhoto(photo)) return { fields: textFields(form), photo: null, photoError: unsupportedPhoto() };
  return { fields: textFields(form), photo, photoError: null };
}

/** Reads up to `cap` bytes; past it keeps the first `cap` and drains (drops) the rest. */
async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  cap: number,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; overflow: boolean }> {
  if (!body) return { bytes: new Uint8Array(0), overflow: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let seen = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    seen += value.byteLength;
    if (kept < cap) {
      const take = value.subarray(0, Math.min(value.byteLength, cap - kept));
      chunks.push(take);
      kept += take.byteLength;
    }
    if (seen > cap + DRAIN_MAX_BYTES) {
      await reader.cancel();
      break;
    }
  }
  const bytes = new Uint8Array(kept);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { bytes, overflow: seen > cap };
}

const encoder = new TextEncoder();

/**
 * The complete parts of a cut-off multipart body: everything before the last part that started, closed with
 * the final boundary, so the platform's own parser reads it.
 */
function cutAtLastPart(bytes: Uint8Array, boundary: string): Uint8Array<ArrayBuffer> {
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const end = lastIndexOf(bytes, delimiter);
  if (end < 0) return encoder.encode(`--${boundary}--\r\n`);
  const closing = encoder.encode(`\r\n--${boundary}--\r\n`);
  const out = new Uint8Array(end + closing.byteLength);
  out.set(bytes.subarray(0, end));
  out.set(closing, end);
  return out;
}

function lastIndexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = hay.byteLength - needle.byteLength; i >= 0; i--) {
    for (let j = 0; j < needle.byteLength; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const parseMultipart = (bytes: Uint8Array<ArrayBuffer>, type: string): Promise<FormData | null> =>
  new Response(bytes, { headers: { "content-type": type } }).formData().catch(() => null);

function textFields(form: FormData | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!form) return out;
  for (const [k, v] of form.entries()) if (typeof v === "string" && !(k in out)) out[k] = v;
  return out;
}
