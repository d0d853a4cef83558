import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { serve, type ServerType } from "@hono/node-server";
import type { Logger } from "../ports/logger";

/** Request line + headers, URL included (Node's default, set explicitly so the documented limit holds). */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * The Node HTTP server every Node entry serves the app with (single process and cluster workers): Hono's
 * node server plus answers for the requests Node refuses before the app sees them.
 */
export function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  opts: { hostname: string; port: number; logger?: Logger },
  onListening?: (info: AddressInfo) => void,
): ServerType {
  const server = serve(
    { fetch, hostname: opts.hostname, port: opts.port, serverOptions: { maxHeaderSize: MAX_HEADER_BYTES } },
    onListening,
  );
  answerClientErrors(server as Server, opts.logger);
  return server;
}

/** What Node's parser refused, as a status and our error code. */
function classify(code: string | undefined): { status: number; reason: string; code: string; message: string } {
  if (code === "HPE_HEADER_OVERFLOW")
    return {
      status: 431,
      reason: "Request Header Fields Too Large",
      code: "request_header_fields_too_large",
      message: `the URL and headers exceed ${MAX_HEADER_BYTES / 1024} KiB`,
    };
  if (code === "ERR_HTTP_REQUEST_TIMEOUT" || code === "ERR_HTTP_HEADERS_TIMEOUT")
    return { status: 408, reason: "Request Timeout", code: "request_timeout", message: "the request took too long" };
  return { status: 400, reason: "Bad Request", code: "bad_request", message: "malformed HTTP request" };
}

/**
 * Node answers what its parser refuses (a URL or headers over maxHeaderSize: 431; malformed requests: 400)
 * with a bare status line, before any middleware runs: no error body, no request id. This answers them with
 * the common error body and an x-request-id instead, and logs the id so the two can be matched.
 */
export function answerClientErrors(server: Server, logger?: Logger): void {
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A reset connection cannot be answered; a response already under way must not be interleaved.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const c = classify(err.code);
    const requestId = crypto.randomUUID();
    const body = JSON.stringify({ error: { code: c.code, message: c.message, requestId } });
    logger?.warn("request refused by the HTTP parser", { status: c.status, code: err.code, requestId });
    socket.end(
      `HTTP/1.1 ${c.status} ${c.reason}\r\n` +
        "Content-Type: application/json; charset=utf-8\r\n" +
        `Content-Length: ${new TextEncoder().encode(body).length}\r\n` +
        `x-request-id: ${requestId}\r\n` +
        "Cache-Control: no-store\r\n" +
        "Connection: close\r\n\r\n" +
        body,
    );
  });
}
