import { createApp, type App } from "../src/app";
import { createConsoleJsonLogger } from "../src/adapters/logger/console-json";
import { buildApiWorkerDeps } from "../src/deps/api-worker";
import { buildWorkerDeps, misconfiguredResponse, type Built, type WorkerEnv } from "./runtime";
import { buildWorkerServing, needsModels, type WorkerServing } from "./serving";

type Entry = { ok: true; app: App; serving: WorkerServing } | Extract<Built, { ok: false }>;

/**
 * Deps (config, libSQL client), the serving holder and the app are built once per isolate and per bindings
 * object: workerd passes the same `env` to every request of an isolate, and keying on it means a test (or a
 * future per-request env) with other bindings never sees a stale build. The models inside load lazily (see
 * workers/serving.ts), so this map is also the module-scope cache of that load.
 */
const built = new WeakMap<object, Entry>();
/** For failures before deps (and so LOG_LEVEL) exist. */
const startupLogger = createConsoleJsonLogger({ level: "error" });

function entryFor(env: WorkerEnv): Entry {
  let entry = built.get(env);
  if (!entry) {
    const result = buildWorkerDeps(env);
    if (result.ok) {
      const serving = buildWorkerServing(buildApiWorkerDeps(result.deps, env));
      entry = { ok: true, app: createApp(serving.deps), serving };
    } else {
      entry = result;
      // No config, so no configured logger: this one line goes out at error level whatever LOG_LEVEL says.
      startupLogger.error(entry.error.message);
    }
    built.set(env, entry);
  }
  return entry;
}

/** The `api` Worker: the shared Hono app over Turso (libSQL over HTTP). */
export default {
  async fetch(request, env, ctx) {
    let entry: Entry;
    try {
      entry = entryFor(env);
    } catch (err) {
      // Not a binding problem (those are ConfigErrors above) but a bug at startup: still the common body.
      startupLogger.error("api Worker failed to start", { error: err instanceof Error ? err.stack : String(err) });
      const requestId = crypto.randomUUID();
      return Response.json(
        { error: { code: "internal_error", message: "internal server error", requestId } },
        { status: 500, headers: { "x-request-id": requestId } },
      );
    }
    if (!entry.ok) return misconfiguredResponse(request, entry.error);
    if (!entry.serving.models.done && needsModels(new URL(request.url).pathname)) {
      // Wait for the models (the first such request of an isolate loads them); on failure the route answers 503.
      await entry.serving.models.get().catch(() => {});
    }
    const response = await entry.app.fetch(request, env, ctx);
    entry.serving.maybeRefresh(ctx);
    return response;
  },
} satisfies ExportedHandler<WorkerEnv>;
