import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../../db/database";
import { listings } from "../../db/schema/marketplace";
import { ConflictError, InvalidInputError, notFound } from "../../domain/errors";
import type { ObjectStorage, StoredObject } from "../../ports/object-storage";
import { canSee, findListing, type ListingView, type Viewer } from "../listings/listings";
import { editableStatuses } from "../listings/state-machine";
import { sniffPhoto } from "./sniff";

/** A stored photo's id: a random UUID and the sniffed extension. Nothing the client sends becomes a file name. */
export const PHOTO_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(jpg|png|webp)$/;
/** The URL a listing's `photos` holds for an uploaded photo (served by GET /v1/listings/{id}/photos/{photoId}). */
export const photoUrl = (listingId: string, photoId: string) =>
  `/v1/listings/${encodeURIComponent(listingId)}/photos/${photoId}`;
export const OWN_PHOTO_PATH =
  /^\/v1\/listings\/[^/?#]{1,192}\/photos\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(jpg|png|webp)$/;
const objectKey = (photoId: string) => `listing-photos/${photoId}`;

export interface PhotoLimits {
  maxBytes: number;
  maxPerListing: number;
}

async function ownListing(db: Database, listingId: string, actor: Viewer): Promise<ListingView> {
  const l = await findListing(db, listingId);
  // Someone else's listing is indistinguishable from a missing one.
  if (!l || (!actor.isAdmin && l.sellerId !== actor.userId)) throw notFound("listing");
  return l;
}

/**
 * Stores one photo for a listing its seller owns and appends its URL to the listing's photos. The type is
 * sniffed from the bytes (JPEG, PNG, WebP); the size and per-listing count are limited. The object is written
 * first and removed again if the listing refuses it (closed meanwhile, full), so no listing points at nothing.
 */
export async function addListingPhoto(
  deps: { db: Database; objects: ObjectStorage },
  input: { listingId: string; actor: Viewer; bytes: Uint8Array; limits: PhotoLimits; photoUuid: string; now: number },
): Promise<{ photoId: string; url: string; listing: ListingView }> {
  const { db, objects } = deps;
  const listing = await ownListing(db, input.listingId, input.actor);
  if (input.bytes.byteLength === 0) throw new InvalidInputError("empty_photo", "the photo is empty");
  if (input.bytes.byteLength > input.limits.maxBytes) throw photoTooLarge(input.limits.maxBytes);
  const type = sniffPhoto(input.bytes);
  if (!type) throw unsupportedPhotoType();
  if (!editableStatuses.includes(listing.status))
    throw new ConflictError("invalid_transition", `a ${listing.status} listing can no longer be edited`);
  if (listing.photos.length >= input.limits.maxPerListing) throw tooMany(input.limits.maxPerListing);

  const photoId = `${input.photoUuid}.${type.ext}`;
  if (!PHOTO_ID.test(photoId)) throw new Error("photo ids must be lower-case UUIDs");
  const url = photoUrl(listing.id, photoId);
  await objects.put(objectKey(photoId), input.bytes, type.contentType);
  // One conditional UPDATE: still open, still below the limit (a concurrent upload cannot push it over).
  const res = await db
    .update(listings)
    .set({ photos: sql`json_insert(${listings.photos}, '$[#]', ${url})`, updatedAt: input.now })
    .where(
      and(
        eq(listings.id, listing.id),
        inArray(listings.status, [...editableStatuses]),
        sql`json_array_length(${listings.photos}) < ${input.limits.maxPerListing}`,
      ),
    );
  if (res.rowsAffected === 0) {
    await objects.delete(objectKey(photoId));
    const now = await findListing(db, listing.id);
    if (now && !editableStatuses.includes(now.status))
      throw new ConflictError("invalid_transition", `a ${now.status} listing can no longer be edited`);
    throw tooMany(input.limits.maxPerListing);
  }
  return { photoId, url, listing: (await findListing(db, listing.id))! };
}

/** Removes an uploaded photo from its listing and from storage (idempotent for the object). */
export async function removeListingPhoto(
  deps: { db: Database; objects: ObjectStorage },
  input: { listingId: string; photoId: string; actor: Viewer; now: number },
): Promise<ListingView> {
  const { db, objects } = deps;
  if (!PHOTO_ID.test(input.photoId)) throw notFound("photo");
  const listing = await ownListing(db, input.listingId, input.actor);
  const url = photoUrl(listing.id, input.photoId);
  if (!listing.photos.includes(url)) throw notFound("photo");
  if (!editableStatuses.includes(listing.status))
    throw new ConflictError("invalid_transition", `a ${listing.status} listing can no longer be edited`);
  await db
    .update(listings)
    .set({ photos: listing.photos.filter((p) => p !== url), updatedAt: input.now })
    .where(and(eq(listings.id, listing.id), eq(listings.status, listing.status)));
  await objects.delete(objectKey(input.photoId));
  return (await findListing(db, listing.id))!;
}

/**
 * A photo of a listing the viewer may see, with its sniffed content type, and whether the listing is public
 * (public photos may be cached by anyone). A photo id the listing does not hold is a 404, whatever storage has.
 */
export async function readListingPhoto(
  deps: { db: Database; objects: ObjectStorage },
  input: { listingId: string; photoId: string; viewer: Viewer },
): Promise<{ object: StoredObject; contentType: string; isPublic: boolean }> {
  if (!PHOTO_ID.test(input.photoId)) throw notFound("photo");
  const listing = await findListing(deps.db, input.listingId);
  if (!listing || !canSee(listing, input.viewer)) throw notFound("photo");
  if (!listing.photos.includes(photoUrl(listing.id, input.photoId))) throw notFound("photo");
  const object = await deps.objects.get(objectKey(input.photoId));
  if (!object) throw notFound("photo");
  const type = sniffPhoto(object.body);
  if (!type) throw notFound("photo");
  return {
    object,
    contentType: type.contentType,
    isPublic: listing.status === "active" || listing.status === "reserved",
  };
}

const tooMany = (max: number) =>
  new ConflictError("too_many_photos", `a listing holds at most ${max} photos`, { maxPerListing: max });

/**
 * A photo refused for its bytes: over PHOTO_MAX_BYTES (413) or not JPEG/PNG/WebP (415). Not a domain error kind
 * (those map to 4xx families without 413/415); the route answers with the code's own status.
 */
export class PhotoRejectedError extends Error {
  constructor(
    readonly code: "photo_too_large" | "unsupported_photo_type",
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
    this.name = "PhotoRejectedError";
  }
}

export const photoTooLarge = (maxBytes: number) =>
  new PhotoRejectedError("photo_too_large", `a photo may be at most ${maxBytes} bytes`, { maxBytes });

export const unsupportedPhotoType = () =>
  new PhotoRejectedError(
    "unsupported_photo_type",
    "photos must be JPEG, PNG or WebP images (checked from the file's bytes)",
    { accepted: ["image/jpeg", "image/png", "image/webp"] },
  );
