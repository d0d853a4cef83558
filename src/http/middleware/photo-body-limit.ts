import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context";
import { ApiError } from "../errors";

/** Multipart overhead allowed on top of PHOTO_MAX_BYTES (boundaries, part headers, a file name, form fields). */
const MULTIPART_SLACK = 16 * 1024;

/**
 * Requests that carry one photo: the API upload and the seller pages' forms. app.ts exempts them from the global
 * MAX_BODY_BYTES; their routes apply `photoBodyLimit` instead.
 */
export const isPhotoUpload = (method: string, path: string) =>
  method === "POST" && /^(\/v1\/listings\/[^/]+\/photos|\/sell\/new|\/sell\/listings\/[^/]+\/photos)\/?$/.test(path);

/** The photo's own limit, checked before the body is read (a huge upload is refused while streaming). */
export const photoBodyLimit = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const max = c.var.deps.config.PHOTO_MAX_BYTES;
    return bodyLimit({
      maxSize: max + MULTIPART_SLACK,
      onError: () => {
        throw new ApiError("photo_too_large", `a photo may be at most ${max} bytes`, { maxBytes: max });
      },
    })(c, next);
  });
