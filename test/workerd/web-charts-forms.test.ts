import { describe, expect, it } from "vitest";
import { panel, percent, svgDocument } from "../../src/lib/charts/svg";
import { trafficPanel } from "../../src/web/pages/admin/model-history";
import { readPhotoForm } from "../../src/web/pages/seller/photo-form";

// Runs inside workerd: the shared chart module and the seller pages' photo-form reader use Web APIs only
// (strings, Intl-free arithmetic, ReadableStream, Response.formData), so the api Worker draws and reads the same.

const DAY = 86_400_000;

describe("storefront web helpers in workerd", () => {
  it("draws the admin models page's traffic chart", () => {
    const now = Date.UTC(2026, 11, 7);
    const arm = (impressions: number) => ({ impressions, clicks: 1, requests: 1, ctr: { estimate: 0, lo: 0, hi: 0 } });
    const p = trafficPanel(
      {
        model: "ranker",
        live: { version: "v2", since: now - DAY },
        versions: [{ version: "v1", createdAt: now - 3 * DAY, metrics: {} }],
      },
      [
        {
          id: "e",
          model: "ranker",
          kind: "challenge",
          status: "running",
          champion: "v1",
          challenger: "v2",
          share: 0.3,
          startedAt: now - DAY,
          endedAt: null,
          arms: { champion: arm(700), challenger: arm(300) },
        },
      ],
      [],
      { min: now - 3 * DAY, max: now },
      now,
    );
    const svg = svgDocument({
      width: 400,
      height: 200,
      title: "t",
      id: "w",
      body: panel({ ...p, width: 400, height: 200 }),
    });
    expect(svg).toContain("v2 (challenger): 30% of shown items");
    expect(percent(0.305)).toBe("30.5%");
  });

  it("reads a photo form, cutting an oversized photo while keeping the fields before it", async () => {
    const form = new FormData();
    form.append("price", "12.50");
    form.append("photo", new File([new Uint8Array(200_000)], "p.png", { type: "image/png" }));
    const r = await readPhotoForm(new Request("http://x/", { method: "POST", body: form }), 50_000);
    expect(r.photoError?.status).toBe(413);
    expect(r.fields).toEqual({ price: "12.50" });
  });
});
