import { Hono } from "hono";
import type { Context } from "hono";
import { isRoleName, roleNames, type PermissionRequest } from "../../../auth/permissions";
import type { AppEnv } from "../../../context";
import { listingStatuses, type ListingStatus } from "../../../db/schema/marketplace";
import { REGISTRY_MODELS } from "../../../recsys/models/bootstrap";
import { modelAdminFor } from "../../../routes/v1/admin-models";
import { banUser, changeRole, listUsers, unbanUser } from "../../../services/admin/users";
import {
  listAnyStatus,
  moderateListing,
  moderationActions,
  type ModerationAction,
} from "../../../services/moderation/moderation";
import { mustPageUser, requirePageUser } from "../../page-auth";
import { renderPage } from "../../render";
import { conditionName } from "../../format";
import { back, Flash, money, orBack, requirePageRole, shortDate, SubNav, TableScroll } from "../page-guards";
import { Chart } from "./charts";
import {
  ARM_COLOURS,
  type DecisionLike,
  type ExperimentLike,
  type ModelLike,
  OFFLINE_METRICS,
  offlinePanel,
  onlinePanel,
  realisedShare,
  timeRange,
  trafficPanel,
} from "./model-history";

/**
 * Admin pages: users (search, role, ban), listing moderation, models (live versions, traffic shares, offline
 * and online metrics over time, decision log, pin and roll back). Forms post to page routes that call the same
 * services as /v1/admin (audited there), then redirect back with a flash message.
 */
export const adminPages = new Hono<AppEnv>();

const users: PermissionRequest = { user: ["list", "set-role", "ban"] };
const listings: PermissionRequest = { listing: ["update-any"] };
const models: PermissionRequest = { model: ["read", "manage"] };

const actor = (c: Context<AppEnv>) => ({ actorId: mustPageUser(c).userId, headers: c.req.raw.headers });

const NAV_LINKS = [
  ["/admin/users", "Users"],
  ["/admin/listings", "Listings"],
  ["/admin/models", "Models"],
] as const;

function AdminNav(props: { current: string }) {
  return <SubNav label="Admin" links={NAV_LINKS} current={props.current} />;
}

adminPages.get("/admin", requirePageUser(), (c) => c.redirect("/admin/users", 303));

adminPages.get("/admin/users", requirePageUser(), requirePageRole(users), async (c) => {
  const q = c.req.query("q")?.trim() || undefined;
  const me = mustPageUser(c).userId;
  const { items } = await listUsers(c.var.deps.db, { q, limit: 50 });
  return renderPage(
    c,
    { title: "Users", page: "admin-users" },
    <section>
      <h1>Users</h1>
      <AdminNav current="/admin/users" />
      <Flash c={c} />
      <form method="get" action="/admin/users" class="row">
        <label for="user-q">Email or name</label>
        <input id="user-q" type="search" name="q" value={q ?? ""} />
        <button type="submit" class="secondary">
          Search
        </button>
      </form>
      <TableScroll label="Users">
        <table class="data">
          <caption class="visually-hidden">Users</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Joined</th>
            </tr>
          </thead>
          <tbody>
            {items.map((u) => {
              const path = `/admin/users/${encodeURIComponent(u.id)}`;
              return (
                <tr data-user={u.email}>
                  <td>
                    {u.name}
                    <br />
                    <span class="muted">{u.email}</span>
                  </td>
                  <td>
                    {u.id === me ? (
                      <span>{u.role} (you)</span>
                    ) : (
                      <form method="post" action={`${path}/role`} class="inline">
                        <label for={`role-${u.id}`} class="visually-hidden">{`Role of ${u.email}`}</label>
                        <select id={`role-${u.id}`} name="role">
                          {roleNames.map((r) => (
                            <option value={r} selected={r === u.role}>
                              {r}
                            </option>
                          ))}
                        </select>{" "}
                        <button type="submit" class="secondary">
                          Change role
                        </button>
                      </form>
                    )}
                  </td>
                  <td>
                    {u.banned ? (
                      <>
                        <strong>banned</strong> <span class="muted">{u.banReason ?? ""}</span>{" "}
                        <form method="post" action={`${path}/unban`} class="inline">
                          <button type="submit" class="secondary">
                            Unban
                          </button>
                        </form>
                      </>
                    ) : u.id === me ? (
                      "active"
                    ) : (
                      <form method="post" action={`${path}/ban`} class="inline">
                        <label for={`ban-${u.id}`} class="visually-hidden">{`Reason to ban ${u.email}`}</label>
                        <input id={`ban-${u.id}`} name="reason" placeholder="Reason" maxlength={500} />{" "}
                        <button type="submit" class="secondary danger">
                          Ban
                        </button>
                      </form>
                    )}
                  </td>
                  <td>{shortDate(u.createdAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
    </section>,
  );
});

adminPages.post("/admin/users/:id/:action", requirePageUser(), requirePageRole(users), async (c) =>
  orBack(c, "/admin/users", async () => {
    const id = c.req.param("id");
    const form = await c.req.parseBody();
    const deps = c.var.deps;
    switch (c.req.param("action")) {
      case "role": {
        const role = String(form.role ?? "");
        if (!isRoleName(role)) return back(c, "/admin/users", { error: "Unknown role." });
        const u = await changeRole(deps, actor(c), id, role);
        return back(c, "/admin/users", { ok: `${u.email} is now ${u.role}.` });
      }
      case "ban": {
        const reason =
          String(form.reason ?? "")
            .trim()
            .slice(0, 500) || undefined;
        const u = await banUser(deps, actor(c), id, { reason });
        return back(c, "/admin/users", { ok: `${u.email} is banned; their sessions are revoked.` });
      }
      case "unban": {
        const u = await unbanUser(deps, actor(c), id);
        return back(c, "/admin/users", { ok: `${u.email} is unbanned.` });
      }
      default:
        return c.notFound();
    }
  }),
);

adminPages.get("/admin/listings", requirePageUser(), requirePageRole(listings), async (c) => {
  const rawStatus = c.req.query("status");
  const status = listingStatuses.includes(rawStatus as ListingStatus) ? (rawStatus as ListingStatus) : undefined;
  const q = c.req.query("q")?.trim() || undefined;
  const { items } = await listAnyStatus(c.var.deps.db, { status, q, limit: 50 });
  return renderPage(
    c,
    { title: "Listings moderation", page: "admin-listings" },
    <section>
      <h1>Listings moderation</h1>
      <AdminNav current="/admin/listings" />
      <Flash c={c} />
      <form method="get" action="/admin/listings" class="row">
        <label for="listing-status">Status</label>
        <select id="listing-status" name="status">
          <option value="">any</option>
          {listingStatuses.map((s) => (
            <option value={s} selected={s === status}>
              {s}
            </option>
          ))}
        </select>
        <label for="listing-q">Text or id</label>
        <input id="listing-q" type="search" name="q" value={q ?? ""} />
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      <TableScroll label="Listings">
        <table class="data">
          <caption class="visually-hidden">Listings</caption>
          <thead>
            <tr>
              <th scope="col">Listing</th>
              <th scope="col">Price</th>
              <th scope="col">Status</th>
              <th scope="col">Moderate</th>
            </tr>
          </thead>
          <tbody>
            {items.map((l) => (
              <tr>
                <td>
                  {l.productTitle || l.productId}
                  <br />
                  <span class="muted">
                    {conditionName(l.condition)} · seller {l.sellerId.slice(0, 8)} · {shortDate(l.createdAt)}
                  </span>
                </td>
                <td>{money(l.price)}</td>
                <td>
                  {l.status}
                  {l.moderationReason ? <span class="muted"> — {l.moderationReason}</span> : null}
                </td>
                <td>
                  {l.status === "hidden" ? (
                    <form method="post" action={`/admin/listings/${encodeURIComponent(l.id)}/restore`} class="inline">
                      <button type="submit" class="secondary">
                        Restore
                      </button>
                    </form>
                  ) : null}
                  {l.status !== "sold" && l.status !== "removed" ? (
                    <form method="post" action={`/admin/listings/${encodeURIComponent(l.id)}/hide`} class="moderate">
                      <label for={`reason-${l.id}`} class="visually-hidden">
                        Reason
                      </label>
                      <input
                        id={`reason-${l.id}`}
                        name="reason"
                        placeholder="Reason (shown to the seller)"
                        required
                        minlength={3}
                        maxlength={500}
                      />{" "}
                      {l.status !== "hidden" && l.status !== "withdrawn" ? (
                        <button type="submit" class="secondary">
                          Hide
                        </button>
                      ) : null}{" "}
                      <button
                        type="submit"
                        class="secondary danger"
                        formaction={`/admin/listings/${encodeURIComponent(l.id)}/remove`}
                      >
                        Remove
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>,
  );
});

adminPages.post("/admin/listings/:id/:action", requirePageUser(), requirePageRole(listings), async (c) =>
  orBack(c, "/admin/listings", async () => {
    const action = c.req.param("action") as ModerationAction;
    if (!moderationActions.includes(action)) return c.notFound();
    const reason = String((await c.req.parseBody()).reason ?? "").trim();
    if (action !== "restore" && reason.length < 3)
      return back(c, "/admin/listings", { error: "Give a reason (3+ characters)." });
    const deps = c.var.deps;
    const l = await moderateListing(deps.db, {
      listingId: c.req.param("id"),
      action,
      reason: reason || null,
      actorId: mustPageUser(c).userId,
      now: deps.clock(),
      auditId: deps.newId(),
    });
    return back(c, "/admin/listings", { ok: `${l.productTitle || l.id} is now ${l.status}.` });
  }),
);

const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;
const ctrText = (a: { ctr: { estimate: number; lo: number; hi: number }; clicks: number; impressions: number }) =>
  `${pct(a.ctr.estimate)} (${pct(a.ctr.lo)}–${pct(a.ctr.hi)}), ${a.clicks}/${a.impressions}`;

/** A decision's numbers in a line: both arms' CTR and the posterior, when the decision came from an experiment. */
function numbersText(n: Record<string, unknown> | null): string {
  if (!n) return "";
  const arm = (k: string) => (n[k] as { ctr?: { estimate: number; lo: number; hi: number } } | undefined)?.ctr;
  const [a, b] = [arm("champion"), arm("challenger")];
  const parts: string[] = [];
  if (a && b) parts.push(`CTR ${pct(a.estimate)} vs ${pct(b.estimate)}`);
  if (typeof n.pChallengerBetter === "number") parts.push(`P(better) ${n.pChallengerBetter.toFixed(2)}`);
  if (parts.length === 0)
    for (const [k, v] of Object.entries(n).slice(0, 3))
      if (typeof v === "number") parts.push(`${k} ${Math.round(v * 10_000) / 10_000}`);
  return parts.join(" · ");
}

function ModelCharts(props: {
  m: ModelLike;
  exps: ExperimentLike[];
  decisions: DecisionLike[];
  now: number;
  id: string;
}) {
  const { m, exps, decisions, now, id } = props;
  const range = timeRange(m, exps, decisions, now);
  const offline = offlinePanel(m, range);
  const online = onlinePanel(exps, decisions, range, now);
  const traffic = exps.length ? trafficPanel(m, exps, decisions, range, now) : null;
  const running = exps.find((e) => e.status === "running");
  if (!traffic && !online && !offline)
    return (
      <p class="muted">{`All traffic on ${m.live?.version ?? "no version yet"}: no experiment or offline metric recorded yet.`}</p>
    );
  return (
    <>
      <p>
        Traffic now:{" "}
        {running ? (
          <strong>
            {`${running.champion} ${pct(1 - running.share)} · challenger ${running.challenger} ${pct(running.share)}`}
          </strong>
        ) : (
          <strong>{`all on ${m.live?.version ?? "the live version"}`}</strong>
        )}
        {running ? <span class="muted">{` (${running.kind} since ${shortDate(running.startedAt)})`}</span> : null}
      </p>
      <div class="charts">
        {exps.length ? (
          <Chart
            id={`${id}-traffic`}
            title="Traffic shares over time"
            desc={`Share of shown items per experiment: ${
              exps.length
                ? exps
                    .map(
                      (e) =>
                        `${e.challenger} ${pct(realisedShare(e))} against ${e.champion} from ${shortDate(e.startedAt)}`,
                    )
                    .join("; ")
                : "no experiment yet, all traffic on the live version"
            }.`}
            panel={traffic!}
            legend={[
              { name: "live / champion", colour: "#5b8fc7" },
              { name: "challenger", colour: "#e08a4f" },
            ]}
            caption="Each experiment's realised split of shown items; between experiments the live version serves all. Dashed lines: decisions."
          />
        ) : null}
        {online ? (
          <Chart
            id={`${id}-online`}
            title="Online CTR per experiment over time"
            desc={exps
              .map(
                (e) =>
                  `${e.kind} ${e.status} from ${shortDate(e.startedAt)}: champion ${e.champion} ${ctrText(e.arms.champion)}; challenger ${e.challenger} ${ctrText(e.arms.challenger)}`,
              )
              .join(". ")}
            panel={online}
            legend={[
              { name: "champion arm", colour: ARM_COLOURS.champion },
              { name: "challenger arm", colour: ARM_COLOURS.challenger },
              { name: "95% interval", colour: "#8a95a3", band: true },
            ]}
            caption="Clicks per impression of each arm over the time its experiment ran (the store keeps each experiment's totals)."
          />
        ) : (
          <p class="muted">Online CTR: no experiment has shown items yet.</p>
        )}
        {offline ? (
          <Chart
            id={`${id}-offline`}
            title="Offline metrics by version"
            desc={m.versions
              .map(
                (v) =>
                  `${v.version} (${shortDate(v.createdAt)}): ${OFFLINE_METRICS.filter(
                    (k) => typeof v.metrics[k] === "number",
                  )
                    .map((k) => `${k} ${v.metrics[k]!.toFixed(4)}`)
                    .join(", ")}`,
              )
              .join("; ")}
            panel={offline}
            legend={(offline.lines ?? []).map((l) => ({ name: l.name, colour: l.colour }))}
            caption="Held-out quality of each version, at the time it was trained."
          />
        ) : (
          <p class="muted">Offline metrics: no version of this model records ndcg@10 or hr@10.</p>
        )}
      </div>
      {exps.length ? (
        <details class="data-details">
          <summary>{`Experiments (${exps.length})`}</summary>
          <TableScroll label={`Experiments of ${m.model}`}>
            <table class="data">
              <caption class="visually-hidden">{`Experiments of ${m.model}, newest first`}</caption>
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Kind, status</th>
                  <th scope="col">Champion CTR (95%), clicks/impr.</th>
                  <th scope="col">Challenger CTR (95%), clicks/impr.</th>
                  <th scope="col">Challenger share</th>
                </tr>
              </thead>
              <tbody>
                {exps.map((e) => (
                  <tr>
                    <td>{shortDate(e.startedAt)}</td>
                    <td>{`${e.kind}, ${e.status}`}</td>
                    <td>
                      <code>{e.champion}</code> {ctrText(e.arms.champion)}
                    </td>
                    <td>
                      <code>{e.challenger}</code> {ctrText(e.arms.challenger)}
                    </td>
                    <td>{pct(realisedShare(e))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </details>
      ) : null}
    </>
  );
}

adminPages.get("/admin/models", requirePageUser(), requirePageRole(models), async (c) => {
  const o = await modelAdminFor(c.var.deps).overview({ versions: 20, experiments: 40, decisions: 50 });
  const now = c.var.deps.clock();
  return renderPage(
    c,
    { title: "Models", page: "admin-models" },
    <section>
      <h1>Recommendation models</h1>
      <AdminNav current="/admin/models" />
      <Flash c={c} />
      {o.models.map((m) => {
        const exps = o.experiments.filter((e) => e.model === m.model);
        const decisions = o.decisions.filter((d) => d.model === m.model);
        const id = `m-${m.model.replace(/[^a-z0-9]/gi, "")}`;
        return (
          <article class="model" aria-labelledby={`${id}-h`} data-model={m.model}>
            <h2 id={`${id}-h`}>{m.model}</h2>
            <p>
              Live: <strong data-live>{m.live?.version ?? "none"}</strong>
              {m.live ? (
                <span class="muted">
                  {" "}
                  since {shortDate(m.live.since)} — {m.live.reason}
                </span>
              ) : null}
              {m.pin ? (
                <span>
                  {" "}
                  · pinned to <strong>{m.pin.version}</strong> ({m.pin.reason})
                </span>
              ) : null}
            </p>
            <ModelCharts m={m} exps={exps} decisions={decisions} now={now} id={id} />
            <form
              method="post"
              action={`/admin/models/${encodeURIComponent(m.model)}/pin`}
              class="model-actions"
              aria-label={`Pin or roll back ${m.model}`}
            >
              <div class="field">
                <label for={`${id}-pin`}>Version</label>
                <select id={`${id}-pin`} name="version">
                  {m.versions.map((v) => (
                    <option value={v.version} selected={v.version === m.live?.version}>
                      {`${v.version}${v.version === m.live?.version ? " (live)" : ""}`}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for={`${id}-reason`}>Reason</label>
                <input id={`${id}-reason`} name="reason" required maxlength={500} placeholder="Why" />
              </div>
              <div class="buttons">
                <button type="submit" class="primary">
                  Pin
                </button>
                <button
                  type="submit"
                  class="secondary"
                  formaction={`/admin/models/${encodeURIComponent(m.model)}/rollback`}
                >
                  Roll back to this version
                </button>
              </div>
            </form>
            {m.pin ? (
              <form method="post" action={`/admin/models/${encodeURIComponent(m.model)}/unpin`} class="inline">
                <button type="submit" class="secondary">
                  Unpin
                </button>
              </form>
            ) : null}
          </article>
        );
      })}
      <h2>Decision log</h2>
      <TableScroll label="Decision log">
        <table class="data">
          <caption class="visually-hidden">Model decisions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Model</th>
              <th scope="col">Action</th>
              <th scope="col">From → to</th>
              <th scope="col">By</th>
              <th scope="col">Reason</th>
              <th scope="col">Numbers</th>
            </tr>
          </thead>
          <tbody>
            {o.decisions.map((d) => (
              <tr>
                <td>{shortDate(d.ts)}</td>
                <td>{d.model}</td>
                <td>{d.action}</td>
                <td>
                  {d.fromVersion ?? "—"} → {d.toVersion ?? "—"}
                </td>
                <td>{d.actor === "selection" ? "selection" : d.actor.slice(0, 8)}</td>
                <td>{d.reason}</td>
                <td>{numbersText(d.numbers)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>,
  );
});

adminPages.post("/admin/models/:model/:action", requirePageUser(), requirePageRole(models), async (c) =>
  orBack(c, "/admin/models", async () => {
    const model = c.req.param("model");
    if (!(REGISTRY_MODELS as readonly string[]).includes(model)) return c.notFound();
    const form = await c.req.parseBody();
    const version = String(form.version ?? "").trim();
    const reason = String(form.reason ?? "")
      .trim()
      .slice(0, 500);
    const admin = modelAdminFor(c.var.deps);
    const by = mustPageUser(c).userId;
    switch (c.req.param("action")) {
      case "pin": {
        if (!reason) return back(c, "/admin/models", { error: "Give a reason for the pin." });
        const r = await admin.pin(model, version, by, reason);
        return back(
          c,
          "/admin/models",
          r.ok ? { ok: `${model} pinned to ${r.to}.` } : { error: `${model} has no version ${version}.` },
        );
      }
      case "rollback": {
        if (!reason) return back(c, "/admin/models", { error: "Give a reason for the rollback." });
        const r = await admin.rollback(model, by, reason, version || undefined);
        return back(
          c,
          "/admin/models",
          r.ok ? { ok: `${model} rolled back to ${r.to}.` } : { error: `${model}: ${r.code}.` },
        );
      }
      case "unpin": {
        const removed = await admin.unpin(model, by);
        return back(
          c,
          "/admin/models",
          removed ? { ok: `${model} unpinned; selection resumes.` } : { error: `${model} was not pinned.` },
        );
      }
      default:
        return c.notFound();
    }
  }),
);
