/**
 * Which remote backend a failure says is down. The serving paths degrade on these (skip the session history,
 * the vector index) instead of failing, and the HTTP error mapper answers 503 `backend_unavailable` for the
 * ones nothing could work around. Bad input (`invalid_argument`, `not_found`, `conflict`) is not an outage.
 */
import { SessionStoreError } from "./session-store";
import { VectorIndexError } from "./vector-index";

export const BACKENDS = ["session_store", "vector_index"] as const;
export type Backend = (typeof BACKENDS)[number];

const OUTAGE_CODES = new Set(["unavailable", "backend", "unauthorized"]);

export function backendDown(err: unknown): Backend | null {
  if (err instanceof SessionStoreError && OUTAGE_CODES.has(err.code)) return "session_store";
  if (err instanceof VectorIndexError && OUTAGE_CODES.has(err.code)) return "vector_index";
  return null;
}
