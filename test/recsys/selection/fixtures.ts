import { buildServingDeps } from "../../../src/deps/serving";
import { createApp } from "../../../src/app";
import { LinearRanker, defaultRanker } from "../../../src/recsys/feed/rank";
import { LibsqlArtifactRegistry } from "../../../src/adapters/model-registry/libsql";
import { REGISTRY_MODELS } from "../../../src/recsys/models/bootstrap";
import { runSelectionCycle } from "../../../src/recsys/selection/cycle";
import { SelectionStore } from "../../../src/recsys/selection/store";
import { createTestApp, type TestApp } from "../../helpers/app";
import { seedRecsysData } from "../fixtures";

export interface SelectionApp extends TestApp {
  registry: LibsqlArtifactRegistry;
  store: SelectionStore;
  /** One selection cycle, as the learner runs it. */
  cycle: () => ReturnType<typeof runSelectionCycle>;
}

/** The recommender app over a libSQL model registry (live pointers, versions), models trained at start. */
export async function selectionApp(): Promise<SelectionApp> {
  const t = await createTestApp();
  // Versions registered later are newer (the app's test clock stands still).
  let registered = t.deps.clock();
  const registry = new LibsqlArtifactRegistry(t.db.$client, { now: () => (registered += 1000) });
  const recsys = buildServingDeps({ ...t.deps, registry }).recsys;
  const deps = { ...t.deps, recsys };
  await seedRecsysData(t);
  await recsys.start(t.db, { trainMissing: true, seed: 7 });
  const store = new SelectionStore(t.db);
  let n = 0;
  const cycle = () =>
    runSelectionCycle({
      store,
      registry,
      events: t.deps.events,
      now: t.deps.clock,
      newId: () => `exp-${++n}`,
      models: REGISTRY_MODELS,
      // No learner runs here to assess versions registered without window metrics: try them at once.
      policy: { assessWaitMs: 0 },
    });
  return { ...t, deps, app: createApp(deps), registry, store, cycle };
}

/** A ranker that orders candidates unlike the default one (every weight negated): a distinct challenger. */
export function contrarianRanker(): ReturnType<LinearRanker["toArtifact"]> {
  const d = defaultRanker();
  const r = new LinearRanker(
    "contrarian",
    d.weights.map((w) => -w),
    -d.bias,
  );
  return { ...r.toArtifact(), version: undefined };
}

/** A ranker whose weights are not numbers (a diverged training run): it fails on every page it ranks. */
export function divergedRanker(): ReturnType<LinearRanker["toArtifact"]> {
  const d = defaultRanker();
  const r = new LinearRanker(
    "diverged",
    d.weights.map(() => Number.NaN),
    d.bias,
  );
  return { ...r.toArtifact(), version: undefined };
}
