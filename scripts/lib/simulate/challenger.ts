/**
 * The `--challenger` scenario knob of `npm run simulate` (issue 14.7), for model selection (issue 14.4):
 * - `none`: the live models only.
 * - `random`: a challenger that scores at random; selection must starve it (< 5% of traffic after 1,000
 *   impressions) and never promote it.
 * - `better`: a truly better challenger (≥ 5% relative); selection must promote it within 20,000 impressions.
 * - `failing`: a challenger that starts failing mid-run; selection must roll it back by itself.
 *
 * With `--start` the simulator owns the server's database and registers the challenger in its registry itself
 * (challenger-registry.node.ts). Against `--url` there is no HTTP endpoint to upload a version, so
 * `prepareChallenger` only checks the selection API (`GET /v1/admin/models`) and the run goes on without a
 * challenger, recording `applied: false` and the reason in the report: the CTR/purchase figures per position
 * and per model version are still produced, and nobody mistakes them for a selection experiment.
 */
export const CHALLENGERS = ["none", "random", "better", "failing"] as const;
export type ChallengerKind = (typeof CHALLENGERS)[number];

export interface ChallengerState {
  kind: ChallengerKind;
  applied: boolean;
  reason: string;
  /** What `GET /v1/admin/models` answered, when it answered 200 (versions, shares, decisions). */
  models?: unknown;
}

export interface AdminApi {
  base: string;
  /** An admin's API key (x-api-key) or session cookie header. */
  headers: Record<string, string>;
}

export async function readAdminModels(api: AdminApi): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${api.base}/v1/admin/models`, { headers: api.headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the report
  }
  return { status: res.status, body };
}

export async function prepareChallenger(kind: ChallengerKind, api: AdminApi): Promise<ChallengerState> {
  if (kind === "none") return { kind, applied: true, reason: "no challenger requested" };
  const { status, body } = await readAdminModels(api);
  if (status === 404) {
    return {
      kind,
      applied: false,
      reason: "this server has no model-selection API (GET /v1/admin/models answered 404); ran without a challenger",
    };
  }
  if (status === 401 || status === 403) {
    return {
      kind,
      applied: false,
      reason: `GET /v1/admin/models answered ${status}: pass an admin key with --admin-key`,
    };
  }
  // The selection API exists but offers no upload: a challenger must be registered where the server's
  // registry lives (npm run publish-models, the learner, or `--start`).
  return {
    kind,
    applied: false,
    reason: `GET /v1/admin/models answered ${status}; over HTTP a "${kind}" challenger cannot be registered (use --start)`,
    models: body,
  };
}
