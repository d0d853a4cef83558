import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../../http/errors";
import { photoBodyLimit } from "../../http/middleware/photo-body-limit";
import { assertUser, requirePermission, requireScope } from "../../http/middleware/require";
import { createRouter, describeError, scopeSecurity } from "../../http/openapi";
import {
  addListingPhoto,
  PhotoRejectedError,
  readListingPhoto,
  removeListingPhoto,
} from "../../services/photos/listing-photos";
import { viewerOf } from "./listings";
import { Id, ListingSchema, json, pick, sessionSecurity } from "./marketplace-schemas";

const PhotoParams = z.object({
  id: Id.openapi({ param: { name: "id", in: "path" } }),
  photoId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "photoId", in: "path" }, example: "0193c5a0-7c1e-7d2a-9b1e-3f0a6c1d2e4f.jpg" }),
});

const Upload = z.object({
  photo: z
    .custom<File>((v) => typeof File !== "undefined" && v instanceof File, "photo must be a file part")
    .openapi({ type: "string", format: "binary", description: "One JPEG, PNG or WebP image" }),
});

const uploadRoute = createRoute({
  method: "post",
  path: "/{id}/photos",
  operationId: "uploadListingPhoto",
  tags: ["listings"],
  summary: "Upload a photo to your listing (multipart field `photo`: JPEG, PNG or WebP by its bytes)",
  description:
    "The type is sniffed from the file's bytes (never its name or part Content-Type); over PHOTO_MAX_BYTES is 413 " +
    "`photo_too_large`, another type 415 `unsupported_photo_type`, more than PHOTOS_PER_LISTING_MAX 409 " +
    "`too_many_photos`. Someone else's listing is 404.",
  security: sessionSecurity,
  middleware: [requirePermission({ listing: ["update-own"] }), photoBodyLimit()] as const,
  request: {
    params: z.object({ id: Id.openapi({ param: { name: "id", in: "path" } }) }),
    body: { required: true, content: { "multipart/form-data": { schema: Upload } } },
  },
  responses: {
    201: json(
      z.object({ photoId: z.string(), url: z.string(), listing: ListingSchema }).openapi("UploadedPhoto"),
      "Stored; the listing's photos now end with `url`",
    ),
    413: describeError(413, "Photo too large (photo_too_large)"),
    415: describeError(415, "Not a JPEG, PNG or WebP image by its bytes (unsupported_photo_type)"),
    ...pick(400, 401, 403, 404, 409, 429, 503),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/{id}/photos/{photoId}",
  operationId: "getListingPhoto",
  tags: ["listings"],
  summary: "A listing photo (public listings' photos are cacheable for a year: a photo id never changes content)",
  security: scopeSecurity("listings:read", { anonymous: true }),
  middleware: [requireScope("listings:read", { anonymous: true })] as const,
  request: { params: PhotoParams },
  responses: {
    200: {
      description: "The image",
      content: {
        "image/jpeg": { schema: z.any() },
        "image/png": { schema: z.any() },
        "image/webp": { schema: z.any() },
      },
    },
    ...pick(400, 401, 403, 404, 429, 503),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/{id}/photos/{photoId}",
  operationId: "deleteListingPhoto",
  tags: ["listings"],
  summary: "Remove an uploaded photo from your listing",
  security: sessionSecurity,
  middleware: [requirePermission({ listing: ["update-own"] })] as const,
  request: { params: PhotoParams },
  responses: {
    200: json(ListingSchema, "The listing without that photo"),
    ...pick(400, 401, 403, 404, 409, 429, 503),
  },
});

export const listingPhotosRoutes = createRouter()
  .openapi(uploadRoute, async (c) => {
    const { deps } = c.var;
    const actor = viewerOf(assertUser(c.var.principal));
    const file = c.req.valid("form").photo;
    try {
      const out = await addListingPhoto(deps, {
        listingId: c.req.valid("param").id,
        actor,
        bytes: new Uint8Array(await file.arrayBuffer()),
        limits: { maxBytes: deps.config.PHOTO_MAX_BYTES, maxPerListing: deps.config.PHOTOS_PER_LISTING_MAX },
        photoUuid: crypto.randomUUID(),
        now: deps.clock(),
      });
      return c.json(out, 201);
    } catch (err) {
      // HTTP has exact statuses for these two; the service speaks in domain errors (422 otherwise).
      if (err instanceof PhotoRejectedError) throw new ApiError(err.code, err.message, err.details);
      throw err;
    }
  })
  .openapi(getRoute, async (c) => {
    const { id, photoId } = c.req.valid("param");
    const photo = await readListingPhoto(c.var.deps, { listingId: id, photoId, viewer: viewerOf(c.var.principal) });
    return c.body(photo.object.body as Uint8Array<ArrayBuffer>, 200, {
      "content-type": photo.contentType,
      "content-length": String(photo.object.size),
      // A photo id is a fresh UUID per upload: its bytes never change, so public ones cache forever. Photos of
      // listings only their seller (or an admin) sees are not stored by shared caches.
      "cache-control": photo.isPublic ? "public, max-age=31536000, immutable" : "private, no-store",
      etag: `"${photoId}"`,
    });
  })
  .openapi(deleteRoute, async (c) => {
    const { deps } = c.var;
    const { id, photoId } = c.req.valid("param");
    const listing = await removeListingPhoto(deps, {
      listingId: id,
      photoId,
      actor: viewerOf(assertUser(c.var.principal)),
      now: deps.clock(),
    });
    return c.json(listing, 200);
  });
