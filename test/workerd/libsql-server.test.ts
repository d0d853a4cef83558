import { env } from "cloudflare:test";
import { createClient, LibsqlError } from "@libsql/client/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The local libSQL server (scripts/dev/libsql-server.ts) as the Workers' client sees it: @libsql/client/web
// from inside workerd, over Hrana/HTTP. Covers the protocol paths the app does not exercise yet.
const client = createClient({ url: env.DATABASE_URL, authToken: env.DATABASE_AUTH_TOKEN });
const table = `hrana_${crypto.randomUUID().replace(/-/g, "")}`;

beforeAll(async () => {
  await client.execute(
    `CREATE TABLE ${table} (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, score REAL, data BLOB)`,
  );
});
afterAll(async () => {
  await client.execute(`DROP TABLE ${table}`);
  client.close();
});

describe("local libSQL server (Hrana over HTTP) from workerd", () => {
  it("round-trips integers, floats, text, blobs and NULL, with named arguments", async () => {
    const ins = await client.execute({
      sql: `INSERT INTO ${table} (name, score, data) VALUES (:name, :score, :data)`,
      args: { name: "types", score: 2.5, data: new Uint8Array([0, 1, 254, 255]) },
    });
    expect(ins.rowsAffected).toBe(1);
    expect(typeof ins.lastInsertRowid).toBe("bigint");

    const { rows, columns, columnTypes } = await client.execute({
      sql: `SELECT id, name, score, data, NULL AS empty FROM ${table} WHERE name = ?`,
      args: ["types"],
    });
    expect(columns).toEqual(["id", "name", "score", "data", "empty"]);
    expect(columnTypes.slice(0, 4)).toEqual(["INTEGER", "TEXT", "REAL", "BLOB"]);
    expect(rows[0].id).toBe(Number(ins.lastInsertRowid));
    expect(rows[0].score).toBe(2.5);
    expect([...new Uint8Array(rows[0].data as ArrayBuffer)]).toEqual([0, 1, 254, 255]);
    expect(rows[0].empty).toBeNull();
  });

  it("a write batch is atomic: one failing statement rolls back the others", async () => {
    await client.execute({ sql: `INSERT INTO ${table} (name) VALUES (?)`, args: ["dup"] });
    await expect(
      client.batch(
        [
          { sql: `INSERT INTO ${table} (name) VALUES (?)`, args: ["batch-a"] },
          { sql: `INSERT INTO ${table} (name) VALUES (?)`, args: ["dup"] },
        ],
        "write",
      ),
    ).rejects.toSatisfy((e: unknown) => e instanceof LibsqlError && e.code.startsWith("SQLITE_CONSTRAINT"));
    const { rows } = await client.execute({
      sql: `SELECT count(*) AS n FROM ${table} WHERE name = ?`,
      args: ["batch-a"],
    });
    expect(rows[0].n).toBe(0);
  });

  it("interactive transactions span requests (baton) and are invisible to other streams until commit", async () => {
    const tx = await client.transaction("write");
    await tx.execute({ sql: `INSERT INTO ${table} (name) VALUES (?)`, args: ["tx-commit"] });
    const outside = await client.execute({
      sql: `SELECT count(*) AS n FROM ${table} WHERE name = ?`,
      args: ["tx-commit"],
    });
    expect(outside.rows[0].n).toBe(0);
    await tx.commit();
    const after = await client.execute({
      sql: `SELECT count(*) AS n FROM ${table} WHERE name = ?`,
      args: ["tx-commit"],
    });
    expect(after.rows[0].n).toBe(1);

    const rolled = await client.transaction("write");
    await rolled.execute({ sql: `INSERT INTO ${table} (name) VALUES (?)`, args: ["tx-rollback"] });
    await rolled.rollback();
    const gone = await client.execute({
      sql: `SELECT count(*) AS n FROM ${table} WHERE name = ?`,
      args: ["tx-rollback"],
    });
    expect(gone.rows[0].n).toBe(0);
  });

  it("INSERT … RETURNING reports rows and the affected count", async () => {
    const res = await client.execute({
      sql: `INSERT INTO ${table} (name) VALUES (?), (?) RETURNING name`,
      args: ["ret-1", "ret-2"],
    });
    expect(res.rows.map((r) => r.name)).toEqual(["ret-1", "ret-2"]);
    expect(res.rowsAffected).toBe(2);
  });

  it("executeMultiple runs a script (sequence)", async () => {
    await client.executeMultiple(
      `INSERT INTO ${table} (name) VALUES ('seq-1'); INSERT INTO ${table} (name) VALUES ('seq-2');`,
    );
    const { rows } = await client.execute(`SELECT count(*) AS n FROM ${table} WHERE name LIKE 'seq-%'`);
    expect(rows[0].n).toBe(2);
  });

  it("rejects a wrong bearer token", async () => {
    const wrong = createClient({ url: env.DATABASE_URL, authToken: "not-the-token" });
    try {
      await expect(wrong.execute("SELECT 1")).rejects.toSatisfy(
        (e: unknown) => e instanceof LibsqlError && e.code === "UNAUTHORIZED",
      );
    } finally {
      wrong.close();
    }
  });
});
