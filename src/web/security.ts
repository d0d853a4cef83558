import { secureHeaders } from "hono/secure-headers";

/**
 * Paths the JSON API (and its self-contained /docs page) owns; everything else is a server-rendered page of
 * the storefront. The two get different Content-Security-Policies: the API keeps `default-src 'none'`, pages
 * allow their own scripts, styles, forms and product images.
 */
const API_PATH = /^\/(v1|api|docs|openapi\.json|healthz|readyz|metrics)(\/|$)/;
export const isPagePath = (path: string): boolean => !API_PATH.test(path);

/**
 * Page headers: scripts and styles only from our own origin (no inline script, so an injected `<script>` in a
 * review cannot run), forms only to ourselves, images from us, data: (drawn placeholders) and https (catalog
 * metadata keeps Amazon's image URLs).
 */
export const pageSecureHeaders = () =>
  secureHeaders({
    crossOriginResourcePolicy: "same-origin",
    // Same-origin navigations keep the Referer (sign-in sends you back to the page you were on); other sites get none.
    referrerPolicy: "same-origin",
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:", "https:"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
      objectSrc: ["'none'"],
    },
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
  });
