import type { ConfigError } from "../src/config";

/** Assembly lives in src/deps/worker.ts and api-worker.ts (one buildDeps per runtime); shared by both Workers. */
export { buildWorkerDeps, type Built, type WorkerDeps, type WorkerEnv } from "../src/deps/worker";

const requestIdPattern = /^[\w\-=]{1,128}$/;

/**
 * The 503 a Worker answers while its bindings are invalid, in the app's common error body. Names the
 * variables and what is wrong, never their values (some are secrets).
 */
export function misconfiguredResponse(request: Request, error: ConfigError): Response {
  const incoming = request.headers.get("x-request-id");
  const requestId = incoming && requestIdPattern.test(incoming) ? incoming : crypto.randomUUID();
  const body = {
    error: {
      code: "misconfigured",
      message: `service is misconfigured: ${error.issues.map((i) => `${i.variable}: ${i.message}`).join("; ")}`,
      requestId,
      details: error.issues,
    },
  };
  return new Response(JSON.stringify(body), {
    status: 503,
    headers: { "content-type": "application/json", "x-request-id": requestId, "retry-after": "60" },
  });
}
