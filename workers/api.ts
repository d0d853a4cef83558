import { createApp, type App } from "../src/app";
import { buildWorkerDeps, misconfiguredResponse, type Built, type WorkerEnv } from "./runtime";

type Entry = { ok: true; app: App } | Extract<Built, { ok: false }>;

/**
 * Deps (config, libSQL client) and the app are built once per isolate and per bindings object: workerd
 * passes the same `env` to every request of an isolate, and keying on it means a test (or a future
 * per-request env) with other bindings never sees a stale build.
 */
const built = new WeakMap<object, Entry>();

function entryFor(env: WorkerEnv): Entry {
  let entry = built.get(env);
  if (!entry) {
    const result = buildWorkerDeps(env);
    entry = result.ok ? { ok: true, app: createApp(result.deps) } : result;
    if (!entry.ok) console.error(JSON.stringify({ level: "error", msg: entry.error.message }));
    built.set(env, entry);
  }
  return entry;
}

/** The `api` Worker: the shared Hono app over Turso (libSQL over HTTP). */
export default {
  fetch(request, env, ctx) {
    let entry: Entry;
    try {
      entry = entryFor(env);
    } catch (err) {
      // Not a binding problem (those are ConfigErrors above) but a bug at startup: still the common body.
      console.error(JSON.stringify({ level: "error", msg: "api Worker failed to start", error: err instanceof Error ? err.stack : String(err) }));
      const requestId = crypto.randomUUID();
      return Response.json(
        { error: { code: "internal_error", message: "internal server error", requestId } },
        { status: 500, headers: { "x-request-id": requestId } },
      );
    }
    if (!entry.ok) return misconfiguredResponse(request, entry.error);
    return entry.app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<WorkerEnv>;
