/**
 * Challenger scenarios on a server the simulator started itself (`--start`: it owns the database file), through
 * the one ModelRegistry the server reads: a new `ranker` version is registered (not live), and the server's
 * selection cycle (LEARNER=on, each refresh tick) must find it, gate it and put it into interleaving.
 * - random: weights drawn at random (standard normal per feature): ranks by noise.
 * - better: the live weights with the category-affinity weight raised by `BETTER_BOOST`: the simulated
 *   shoppers' tastes are category-coherent, so leaning on category affinity should serve them better. Whether
 *   it is ≥ 5% better is measured, not assumed: the report gives both arms' CTR with intervals.
 * - failing: a bad deploy mid-run (`deployFailing`, a third of the way through): a diverged ranker (weights
 *   not numbers, as a training run that blew up) is made live directly, outside selection. Serving ranks
 *   each page it fails on by the cold-start prior (the shoppers never see an error) and counts the failure
 *   against the live set; the selection cycle must roll it back by itself.
 * The outcome comes from the selection store (what `GET /v1/admin/models` shows), read from the same database.
 */
import { createNodeLibsqlClient } from "../../../src/db/client.node.js";
import { createDatabase } from "../../../src/db/database";
import { FEATURES } from "../../../src/recsys/feed/features";
import { LinearRanker } from "../../../src/recsys/feed/rank";
import { REGISTRY_MODELS } from "../../../src/recsys/models/bootstrap";
import { LibsqlArtifactRegistry } from "../../../src/adapters/model-registry/libsql";
import { ModelAdmin } from "../../../src/recsys/selection/admin";
import { SelectionStore } from "../../../src/recsys/selection/store";
import type { ChallengerKind } from "./challenger";
import type { ChallengerDecision, ChallengerSample } from "./timeline";
import { gaussian, mulberry32 } from "./rng";

export const BETTER_BOOST = 3;

export interface RegisteredChallenger {
  model: "ranker";
  version: string;
  champion: string;
}

/** Registers the scenario's ranker as a new, not-live version; returns null for `none`. */
export async function registerChallenger(
  kind: ChallengerKind,
  databaseUrl: string,
  seed: number,
): Promise<RegisteredChallenger | null> {
  if (kind === "none" || kind === "failing") return null;
  const client = await createNodeLibsqlClient(databaseUrl);
  try {
    const registry = new LibsqlArtifactRegistry(client, { now: Date.now });
    const live = await registry.live("ranker");
    if (!live) throw new Error("the server has no live ranker to challenge");
    const champion = LinearRanker.fromArtifact(live.artifact, live.version);
    const weights = Float32Array.from(champion.weights);
    if (kind === "random") {
      const random = mulberry32(seed);
      for (let i = 0; i < weights.length; i++) weights[i] = gaussian(random);
    } else {
      const f = FEATURES.indexOf("category_affinity");
      if (f < 0) throw new Error("serving's features have no category_affinity");
      weights[f] += BETTER_BOOST;
    }
    const version = `ranker-sim-${kind}-${seed}-${Date.now().toString(36)}`;
    const ranker = new LinearRanker(version, weights, kind === "random" ? 0 : champion.bias);
    const registered = await registry.register("ranker", ranker.toArtifact(), {}, { live: false });
    return { model: "ranker", version: registered, champion: live.version };
  } finally {
    client.close();
  }
}

/** What `GET /v1/admin/models` would show for the ranker: experiments with both arms, and the decision log. */
export async function selectionOutcome(databaseUrl: string): Promise<unknown> {
  const client = await createNodeLibsqlClient(databaseUrl);
  try {
    const db = createDatabase(client);
    const admin = new ModelAdmin({
      store: new SelectionStore(db),
      registry: new LibsqlArtifactRegistry(client, { now: Date.now }),
      now: Date.now,
      models: REGISTRY_MODELS,
    });
    const o = await admin.overview({ versions: 5, experiments: 10, decisions: 50 });
    return {
      live: o.models.find((m) => m.model === "ranker")?.live ?? null,
      experiments: o.experiments.filter((e) => e.model === "ranker"),
      decisions: o.decisions.filter((d) => d.model === "ranker"),
    };
  } finally {
    client.close();
  }
}

/** The `failing` scenario's bad deploy: a diverged ranker registered and made live at once; returns its version. */
export async function deployFailing(databaseUrl: string, seed: number): Promise<{ version: string; replaced: string }> {
  const client = await createNodeLibsqlClient(databaseUrl);
  try {
    const registry = new LibsqlArtifactRegistry(client, { now: Date.now });
    const live = await registry.live("ranker");
    if (!live) throw new Error("the server has no live ranker to replace");
    const champion = LinearRanker.fromArtifact(live.artifact, live.version);
    const version = `ranker-sim-failing-${seed}-${Date.now().toString(36)}`;
    const diverged = new LinearRanker(
      version,
      champion.weights.map(() => Number.NaN),
      champion.bias,
    );
    await registry.register("ranker", diverged.toArtifact(), {}, { live: true, reason: "simulate: bad deploy" });
    return { version, replaced: live.version };
  } finally {
    client.close();
  }
}

/**
 * Samples the registered challenger's experiment after every round (timeline.ts): one connection to the
 * server's database for the whole run, read-only.
 */
export class ChallengerTracker {
  private constructor(
    private readonly client: Awaited<ReturnType<typeof createNodeLibsqlClient>>,
    private readonly store: SelectionStore,
  ) {}

  static async open(databaseUrl: string): Promise<ChallengerTracker> {
    const client = await createNodeLibsqlClient(databaseUrl);
    return new ChallengerTracker(client, new SelectionStore(createDatabase(client)));
  }

  async sample(step: number, impressions: number, version: string): Promise<ChallengerSample> {
    const e = (await this.store.experiments(100)).find((x) => x.kind === "challenge" && x.challenger === version);
    if (!e) {
      const zero = { impressions: 0, clicks: 0 };
      return { step, impressions, status: "queued", experimentId: null, share: 0, champion: zero, challenger: zero };
    }
    const arms = await this.store.armStats(e.id);
    const held = e.status === "rejected" && e.startedAt === e.endedAt && arms.challenger.impressions === 0;
    return {
      step,
      impressions,
      status: held ? "held" : e.status,
      experimentId: e.id,
      share: e.status === "running" ? e.share : 0,
      champion: { impressions: arms.champion.impressions, clicks: arms.champion.clicks },
      challenger: { impressions: arms.challenger.impressions, clicks: arms.challenger.clicks },
    };
  }

  /** The decision that ended the challenger's experiment (or held it), with both arms' impressions then. */
  async decision(version: string): Promise<ChallengerDecision | null> {
    const ending = new Set(["promoted", "rejected", "kept", "held", "held_by_pin"]);
    const d = (await this.store.decisions(2000, "ranker")).find((x) => x.toVersion === version && ending.has(x.action));
    if (!d) return null;
    const n = d.numbers as { champion?: { impressions?: number }; challenger?: { impressions?: number } } | null;
    const imps =
      typeof n?.champion?.impressions === "number" && typeof n?.challenger?.impressions === "number"
        ? { champion: n.champion.impressions, challenger: n.challenger.impressions }
        : undefined;
    return { action: d.action, ts: d.ts, reason: d.reason, ...(imps ? { impressions: imps } : {}) };
  }

  close(): void {
    this.client.close();
  }
}
