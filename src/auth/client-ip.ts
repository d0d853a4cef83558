import { getIPFromHeader, normalizeIP } from "@better-auth/core/utils/ip";
import type { Config } from "../config";

/** The header better-auth's rate limiter reads: set by us from a trusted source, never taken from the client. */
export const RESOLVED_IP_HEADER = "x-recircuit-client-ip";

type IpConfig = Pick<Config, "CLIENT_IP_HEADER" | "TRUSTED_PROXIES">;

/**
 * The socket peer on Node (`@hono/node-server` puts the IncomingMessage in the env); null in-process
 * (`app.request`) and on workerd, which have no socket. Read without importing node code, so this file runs
 * on both runtimes.
 */
function socketPeer(env: unknown): string | null {
  const e = env as { incoming?: { socket?: { remoteAddress?: string } }; server?: unknown } | undefined;
  const bindings = (e?.server ?? e) as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const address = bindings?.incoming?.socket?.remoteAddress;
  return typeof address === "string" && address ? address : null;
}

/**
 * The client address rate limits are keyed on, from trusted sources only (docs/auth.md, threat model):
 * 1. CLIENT_IP_HEADER, when configured: a header our edge always overwrites (CF-Connecting-IP on Workers);
 * 2. else the socket peer; X-Forwarded-For counts only when that peer is a TRUSTED_PROXIES entry, read from
 *    the right, skipping trusted hops (the leftmost entries are whatever the client wrote).
 * Null when neither is available (an in-process request without the configured header).
 */
export function clientIp(req: Request, env: unknown, config: IpConfig): string | null {
  const headers = req.headers;
  if (config.CLIENT_IP_HEADER) {
    const value = headers.get(config.CLIENT_IP_HEADER);
    if (!value) return null;
    // A trusted edge appends its view last: with a list, the rightmost entry is the one it wrote.
    const last = value.split(",").pop()?.trim() ?? "";
    return getIPFromHeader(last);
  }
  const peer = socketPeer(env);
  if (!peer) return null;
  const forwarded = headers.get("x-forwarded-for");
  if (
    forwarded &&
    config.TRUSTED_PROXIES.length > 0 &&
    getIPFromHeader(peer, { trustedProxies: config.TRUSTED_PROXIES }) === null
  ) {
    // The peer is a trusted proxy: walk its chain (with the peer appended) from the right.
    const fromChain = getIPFromHeader(`${forwarded},${peer}`, { trustedProxies: config.TRUSTED_PROXIES });
    if (fromChain) return fromChain;
  }
  return normalizeIP(peer);
}

/**
 * The request better-auth sees: our resolved address in RESOLVED_IP_HEADER (a client-sent copy removed), so
 * its per-IP buckets are keyed on it rather than on X-Forwarded-For.
 */
export function withResolvedIp(req: Request, ip: string | null): Request {
  const headers = new Headers(req.headers);
  headers.delete(RESOLVED_IP_HEADER);
  if (ip) headers.set(RESOLVED_IP_HEADER, ip);
  return new Request(req, { headers });
}
