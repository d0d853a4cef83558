import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { CronJob, type ICronJob } from "kubernetes-models/batch/v1";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, type IContainer, type IPodSpec, Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { configSchema, loadConfig } from "../../src/config";

/**
 * deploy/k8s: every manifest validated against the Kubernetes OpenAPI schemas (kubernetes-models, pinned,
 * offline), the production overlay rendered with a small strategic-merge (maps merge, lists of named items
 * merge by name) and validated again, and every env var the pods get is a setting src/config.ts knows.
 */
const ROOT = "deploy/k8s";
type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [k: string]: unknown };
  [k: string]: unknown;
};
type Validatable = { validate(): void };
const MODELS: Record<string, new (o: never) => Validatable> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "batch/v1/CronJob": CronJob,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
};

function validate(obj: K8sObject): void {
  const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!Model) throw new Error(`no schema for ${obj.apiVersion}/${obj.kind} (${obj.metadata?.name})`);
  new Model(obj as never).validate();
}

function readYaml(path: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(path, "utf8"));
  return docs.map((d) => {
    if (d.errors.length > 0) throw new Error(`${path}: ${d.errors[0].message}`);
    return d.toJS();
  });
}

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith(".yaml") ? [join(dir, e.name)] : [],
  );

interface Kustomization {
  resources?: string[];
  patches?: { path: string }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  namespace?: string;
}

/** A kustomization's resources, recursively (directories are other kustomizations), before its own patches. */
function render(dir: string): K8sObject[] {
  const k = readYaml(join(dir, "kustomization.yaml"))[0] as Kustomization;
  let objects: K8sObject[] = [];
  for (const r of k.resources ?? []) {
    const path = join(dir, r);
    objects.push(...(r.endsWith(".yaml") ? (readYaml(path) as K8sObject[]) : render(path)));
  }
  for (const p of k.patches ?? []) {
    const patch = readYaml(join(dir, p.path))[0] as K8sObject;
    const i = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
    if (i < 0) throw new Error(`${join(dir, p.path)}: no ${patch.kind} named ${patch.metadata.name} to patch`);
    objects[i] = merge(objects[i], patch) as K8sObject;
  }
  if (k.namespace) objects = objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: k.namespace } }));
  for (const image of k.images ?? []) {
    const used = containersOf(objects).filter((c) => c.image === image.name);
    if (used.length === 0) throw new Error(`${dir}: image ${image.name} is used by no container`);
    for (const c of used) c.image = `${image.newName ?? image.name}${image.newTag ? `:${image.newTag}` : ""}`;
  }
  return objects;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const named = (v: unknown): v is { name: string } => isMap(v) && typeof v.name === "string";

/** Strategic merge, the part our patches use: maps merge, lists of named maps merge by name, the rest replaces. */
function merge(base: unknown, patch: unknown): unknown {
  if (isMap(base) && isMap(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(patch)) out[k] = k in base ? merge(base[k], v) : v;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(patch) && patch.every(named) && base.every(named)) {
    const out = base.map((b) => {
      const p = patch.find((x) => x.name === b.name);
      return p ? merge(b, p) : b;
    });
    return [...out, ...patch.filter((p) => !base.some((b) => b.name === p.name))];
  }
  return patch;
}

function podSpecOf(o: K8sObject): IPodSpec | undefined {
  if (o.kind === "Deployment") return (o as unknown as IDeployment).spec?.template.spec;
  if (o.kind === "CronJob") return (o as unknown as ICronJob).spec?.jobTemplate.spec?.template.spec;
  return undefined;
}
const containersOf = (objects: K8sObject[]): IContainer[] =>
  objects.flatMap((o) => [...(podSpecOf(o)?.containers ?? []), ...(podSpecOf(o)?.initContainers ?? [])]);

/** Each container's environment as the kubelet would build it; secret references get a placeholder value. */
function environments(objects: K8sObject[]): { container: string; env: Record<string, string> }[] {
  const configMaps = new Map(
    objects
      .filter((o) => o.kind === "ConfigMap")
      .map((o) => [o.metadata.name, (o.data ?? {}) as Record<string, string>]),
  );
  return containersOf(objects).map((c) => {
    const env: Record<string, string> = {};
    for (const from of c.envFrom ?? []) {
      if (from.secretRef)
        throw new Error(`${c.name}: envFrom a Secret hides which variables it sets; use secretKeyRef`);
      const name = from.configMapRef?.name ?? "";
      const data = configMaps.get(name);
      if (!data) throw new Error(`${c.name}: envFrom ConfigMap ${name} is not among the manifests`);
      Object.assign(env, data);
    }
    for (const e of c.env ?? []) env[e.name] = e.value ?? `secret-placeholder-${"x".repeat(32)}`;
    return { container: c.name, env };
  });
}

const base = render(join(ROOT, "base"));
const production = render(join(ROOT, "overlays/production"));

describe("deploy/k8s manifests", () => {
  it("lists every base manifest in the base kustomization, and each parses", () => {
    const listed = (readYaml(join(ROOT, "base/kustomization.yaml"))[0] as Kustomization).resources ?? [];
    const onDisk = yamlFiles(join(ROOT, "base"))
      .map((f) => relative(join(ROOT, "base"), f))
      .filter((f) => f !== "kustomization.yaml");
    expect(listed.sort()).toEqual(onDisk.sort());
  });

  it.each([
    ["base", base],
    ["overlays/production", production],
  ])("%s: every object validates against the Kubernetes schemas", (_, objects) => {
    expect(objects.length).toBeGreaterThanOrEqual(8);
    for (const o of objects) expect(() => validate(o), `${o.kind}/${o.metadata.name}`).not.toThrow();
  });

  it("the schema validation can fail: a wrong type or a missing required field is rejected", () => {
    const deployment = structuredClone(base.find((o) => o.kind === "Deployment")) as K8sObject & {
      spec: Record<string, unknown>;
    };
    expect(() => validate({ ...deployment, spec: { ...deployment.spec, replicas: "three" } })).toThrow();
    const { selector: _, ...noSelector } = deployment.spec;
    expect(() => validate({ ...deployment, spec: noSelector })).toThrow();
  });

  it("has the objects the issue asks for", () => {
    const kinds = new Set(production.map((o) => o.kind));
    for (const k of ["Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget"])
      expect(kinds).toContain(k);
    for (const k of ["CronJob", "ConfigMap", "NetworkPolicy"]) expect(kinds).toContain(k);
  });

  it("overlay patches only resources that exist (by kind and name) and refuse a patch with no target", () => {
    const k = readYaml(join(ROOT, "overlays/production/kustomization.yaml"))[0] as Kustomization;
    for (const p of k.patches ?? []) {
      const patch = readYaml(join(ROOT, "overlays/production", p.path))[0] as K8sObject;
      expect(
        base.some((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name),
        p.path,
      ).toBe(true);
    }
    expect(() => merge({ a: 1 }, { b: 2 })).not.toThrow();
    expect(merge({ l: [{ name: "x", v: 1 }, { name: "y" }] }, { l: [{ name: "x", v: 2 }] })).toEqual({
      l: [{ name: "x", v: 2 }, { name: "y" }],
    });
  });

  it("wires the probes, runs non-root on a read-only root filesystem with writable /tmp and data mounts", () => {
    const api = production.find((o) => o.kind === "Deployment");
    const spec = podSpecOf(api as K8sObject) as IPodSpec;
    const c = spec.containers[0];
    expect(c.livenessProbe?.httpGet?.path).toBe("/healthz");
    expect(c.readinessProbe?.httpGet?.path).toBe("/readyz");
    expect(c.image).toBe("registry.example.com/recircuit/api:1.0.0");
    for (const o of production.filter((x) => podSpecOf(x))) {
      const pod = podSpecOf(o) as IPodSpec;
      expect(pod.securityContext?.runAsNonRoot, o.metadata.name).toBe(true);
      for (const container of pod.containers) {
        expect(container.securityContext?.readOnlyRootFilesystem, container.name).toBe(true);
        expect(container.resources?.requests?.memory, container.name).toBeDefined();
        expect(container.resources?.limits?.memory, container.name).toBeDefined();
        expect(container.volumeMounts?.map((m) => m.mountPath).sort()).toEqual(["/app/data", "/tmp"]);
      }
    }
    const learner = production.find((o) => o.kind === "CronJob") as K8sObject;
    expect(podSpecOf(learner)?.containers[0].command).toEqual(["npm", "run", "learn"]);
  });

  it("the learner CronJob never overlaps itself, has a deadline and a retry limit, and is the only learner", () => {
    for (const objects of [base, production]) {
      const cron = objects.find((o) => o.kind === "CronJob") as unknown as ICronJob;
      expect(cron.spec?.concurrencyPolicy).toBe("Forbid");
      expect(cron.spec?.startingDeadlineSeconds).toBeGreaterThan(0);
      const job = cron.spec?.jobTemplate.spec;
      expect(job?.activeDeadlineSeconds).toBeGreaterThan(0);
      expect(job?.backoffLimit).toBeGreaterThanOrEqual(0);
      expect(job?.backoffLimit).toBeLessThanOrEqual(3);
      expect(job?.template.spec?.restartPolicy).toBe("Never");
      // Its SIGTERM handler records the run as killed and frees the lease within this grace period.
      expect(job?.template.spec?.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(10);
      // Serving pods run no learner thread where the CronJob trains (one learner per deployment).
      const api = environments(objects).find((e) => e.container === "api")?.env ?? {};
      expect(api.LEARNER_THREAD).toBe("off");
    }
  });

  it("production: API pods and the learner share one remote database (the leases and the run record live there)", () => {
    const envs = environments(production);
    const api = envs.find((e) => e.container === "api")?.env ?? {};
    const learner = envs.find((e) => e.container === "learner")?.env ?? {};
    expect(api.DATABASE_URL).toMatch(/^libsql:\/\//);
    expect(learner.DATABASE_URL).toBe(api.DATABASE_URL);
  });

  it("production uses the scale-out backends: Turso, Upstash, Qdrant", () => {
    const env = environments(production).find((e) => e.container === "api")?.env ?? {};
    expect(env.DATABASE_URL).toMatch(/^libsql:\/\//);
    expect(env.SESSION_STORE).toBe("upstash");
    expect(env.QDRANT_URL).toMatch(/^https?:\/\//);
    expect(env.DEMO_DATA).toBe("false");
  });

  it("every env var a manifest sets is a setting src/config.ts knows, and the production env passes loadConfig", () => {
    const known = new Set(Object.keys(configSchema.shape));
    for (const objects of [base, production]) {
      for (const { container, env } of environments(objects)) {
        const unknown = Object.keys(env).filter((k) => !known.has(k));
        expect(unknown, container).toEqual([]);
      }
    }
    for (const { container, env } of environments(production)) {
      expect(() => loadConfig(env), container).not.toThrow();
    }
  });
});
