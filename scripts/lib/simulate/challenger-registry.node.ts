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
