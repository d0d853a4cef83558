import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DownloadError, downloadFile, officialFiles } from "../../src/ingest/download.node.js";
import { ALL_BEAUTY } from "../ingest/helpers";

const dir = mkdtempSync(join(tmpdir(), "ingest-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A port nothing listens on: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const tsx = (script: string, args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: "" },
    timeout: 60_000,
  });

describe("download", () => {
  it("builds the official URLs of a category", () => {
    const urls = officialFiles("Electronics").map((f) => f.url);
    expect(urls).toContain(
      "https://datarepo.eng.ucsd.edu/mcauley_group/data/amazon_2023/raw/review_categories/Electronics.jsonl.gz",
    );
    expect(urls).toContain(
      "https://datarepo.eng.ucsd.edu/mcauley_group/data/amazon_2023/raw/meta_categories/meta_Electronics.jsonl.gz",
    );
    expect(urls).toContain(
      "https://huggingface.co/datasets/McAuley-Lab/Amazon-Reviews-2023/resolve/main/benchmark/5core/rating_only/Electronics.csv",
    );
    expect(() => officialFiles("../etc")).toThrow(/invalid category/);
  });

  it("fails clearly on an unreachable host (closed port, unknown host)", async () => {
    const port = await closedPort();
    const err = await downloadFile(`http://127.0.0.1:${port}/meta_Electronics.jsonl.gz`, join(dir, "x.gz"), {
      connectTimeoutMs: 5_000,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).code).toBe("ECONNREFUSED");
    expect((err as Error).message).toMatch(
      new RegExp(`Cannot download http://127\\.0\\.0\\.1:${port}/.*ECONNREFUSED.*no network access`),
    );
    const dns = await downloadFile("https://datarepo.invalid/x.gz", join(dir, "y.gz"), {
      connectTimeoutMs: 5_000,
    }).catch((e: unknown) => e);
    expect((dns as Error).message).toMatch(
      /request to datarepo\.invalid failed \((ENOTFOUND|EAI_AGAIN|ETIMEDOUT)\).*no network access/,
    );
  });

  it("streams to disk and resumes a partial file with a Range request", async () => {
    const body = Buffer.from("0123456789".repeat(1000));
    const server = createServer((req, res) => {
      const m = /bytes=(\d+)-/.exec(req.headers.range ?? "");
      if (m) {
        res.writeHead(206, { "content-length": body.length - Number(m[1]) });
        res.end(body.subarray(Number(m[1])));
      } else res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const dest = join(dir, "resumed.bin");
      const { writeFileSync, readFileSync } = await import("node:fs");
      writeFileSync(`${dest}.part`, body.subarray(0, 4321));
      const r = await downloadFile(`http://127.0.0.1:${port}/f`, dest);
      expect(r).toMatchObject({ resumed: true, bytes: body.length });
      expect(readFileSync(dest).equals(body)).toBe(true);
    } finally {
      server.close();
    }
  });
});

describe("ingest CLI", () => {
  it("ingests a file and reports; --download to an unreachable host exits 2 with a clear message", async () => {
    const port = await closedPort();
    const db = `file:${join(dir, "cli.db")}`;
    const ok = tsx("scripts/ingest.ts", [
      join(ALL_BEAUTY, "5core/last_out_w_his/All_Beauty.valid.csv"),
      "--database-url",
      db,
      "--json",
    ]);
    expect(ok.status).toBe(0);
    const report = JSON.parse(ok.stdout.trim().split("\n").pop() ?? "{}");
    expect(report.totals).toMatchObject({ read: 253, inserted: 253 });
    expect(ok.stderr).toMatch(/benchmark_with_history.*read 253, inserted 253/);
    expect(ok.stderr).not.toMatch(/search head lists/); // ratings only: products untouched

    const dl = tsx("scripts/ingest.ts", [
      "--download",
      "All_Beauty",
      "--dest",
      join(dir, "dl"),
      "--raw-base-url",
      `http://127.0.0.1:${port}/raw`,
      "--database-url",
      db,
    ]);
    expect(dl.status).toBe(2);
    expect(dl.stderr).toMatch(
      /error: Cannot download http:\/\/127\.0\.0\.1:\d+\/raw\/review_categories\/All_Beauty\.jsonl\.gz.*ECONNREFUSED.*no network access/,
    );
  });

  it("generate CLI writes the three files", () => {
    const out = join(dir, "gen");
    const r = tsx("scripts/generate.ts", [
      "--items",
      "60",
      "--users",
      "20",
      "--seed",
      "5",
      "--out",
      out,
      "--ratings-per-user",
      "3",
    ]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ items: 60, users: 20, metaFile: join(out, "meta_Electronics.jsonl") });

    // an ingest that writes products ends by bringing the search head lists up to date
    const meta = tsx("scripts/ingest.ts", [
      join(out, "meta_Electronics.jsonl"),
      "--database-url",
      `file:${join(dir, "meta.db")}`,
    ]);
    expect(meta.status).toBe(0);
    expect(meta.stderr).toMatch(/\[ingest\] search head lists: built at revision \d+, \d+ lists/);
  });
});
