import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "database-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (script: string, args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    encoding: "utf8",
    env: { ...process.env, LOG_LEVEL: "silent", BETTER_AUTH_SECRET: "x".repeat(40), ...env },
    timeout: 60_000,
  });

describe("maintenance CLIs on scripts/lib/database-cli.ts", () => {
  const url = `file:${join(dir, "cli.db")}`;

  it("npm run migrate applies migrations to DATABASE_URL and is idempotent", () => {
    for (let i = 0; i < 2; i++) {
      const r = run("scripts/migrate.ts", [], { DATABASE_URL: url });
      expect(r.stderr).not.toMatch(/Error/);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`migrations applied to ${url}`);
    }
  });

  it("create-admin creates once, then says so; a weak password is refused with exit 1", () => {
    const created = run(
      "scripts/create-admin.ts",
      ["--email", "root@recircuit.test", "--password", "correct-horse-battery-9"],
      { DATABASE_URL: url },
    );
    expect(created.stderr).not.toMatch(/Error/);
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/^created admin root@recircuit\.test/);
    const again = run(
      "scripts/create-admin.ts",
      ["--email", "root@recircuit.test", "--password", "correct-horse-battery-9"],
      { DATABASE_URL: url },
    );
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/already an admin/);
    const weak = run("scripts/create-admin.ts", ["--email", "weak@recircuit.test", "--password", "123"], {
      DATABASE_URL: url,
    });
    expect(weak.status).toBe(1);
    expect(weak.stderr).toMatch(/^refused \(/);
  });

  it("bad configuration exits 78 with the variable named, before touching any database", () => {
    const cases: [string, string[]][] = [
      ["scripts/migrate.ts", []],
      ["scripts/create-admin.ts", ["--email", "a@b.c", "--password", "correct-horse-battery-9"]],
      ["scripts/publish-models.ts", ["--models", "ranker"]],
    ];
    for (const [script, args] of cases) {
      const r = run(script, args, { DATABASE_URL: url, PORT: "not-a-port" });
      expect(r.status, script).toBe(78);
      expect(r.stderr, script).toMatch(/PORT/);
    }
  });
});
