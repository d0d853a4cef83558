import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrometheusMetrics } from "../../src/adapters/metrics/prometheus.node";
import { createTestApp, type TestApp } from "../helpers/app";
import { seedCatalog } from "../helpers/catalog-seed";

const TOKEN = "metrics-token-0123456789abcdef";
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { METRICS_TOKEN: TOKEN });
  t.deps.metrics = createPrometheusMetrics({ processMetrics: false, liveModelVersion: () => "set-42" });
  await seedCatalog(t.db);
});
afterAll(() => t.cleanup());

const scrape = (authorization?: string) =>
  t.app.request("/metrics", { headers: authorization ? { authorization } : {} });

describe("GET /metrics", () => {
  it("counts requests by method, matched route and status, with a latency histogram and the live model set", async () => {
    expect((await t.app.request("/v1/products")).status).toBe(200);
    expect((await t.app.request("/v1/products")).status).toBe(200);
    expect((await t.app.request("/v1/products/P-HEAD-1")).status).toBe(200);
    expect((await t.app.request("/v1/products/NOPE")).status).toBe(404);
    expect((await t.app.request("/no/such/route")).status).toBe(404);

    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain('recircuit_http_requests_total{method="GET",route="/v1/products",status="200"} 2');
    expect(text).toContain('recircuit_http_requests_total{method="GET",route="/v1/products/:id",status="200"} 1');
    expect(text).toContain('recircuit_http_requests_total{method="GET",route="/v1/products/:id",status="404"} 1');
    // Unknown paths share one label value: a scanner cannot blow up the series count.
    expect(text).toContain('recircuit_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).not.toContain("/no/such/route");
    expect(text).toMatch(/recircuit_http_request_duration_seconds_count\{method="GET",route="\/v1\/products"\} 2/);
    expect(text).toContain('recircuit_models_live{version="set-42"} 1');
  });

  it("401 with WWW-Authenticate without the bearer token or with a wrong one", async () => {
    for (const auth of [undefined, "Bearer wrong-token-0123456789", TOKEN, `Basic ${btoa(`x:${TOKEN}`)}`]) {
      const res = await scrape(auth);
      expect(res.status, String(auth)).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toBe("unauthorized");
    }
  });

  it("404 when METRICS_TOKEN is not set: nothing exposed by default", async () => {
    const bare = await createTestApp();
    try {
      bare.deps.metrics = createPrometheusMetrics({ processMetrics: false });
      const res = await bare.app.request("/metrics", { headers: { authorization: "Bearer anything" } });
      expect(res.status).toBe(404);
    } finally {
      bare.cleanup();
    }
  });

  it("is not part of the public OpenAPI document", async () => {
    const doc = (await (await t.app.request("/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).not.toContain("/metrics");
    expect(Object.keys(doc.paths)).toContain("/readyz");
  });
});
