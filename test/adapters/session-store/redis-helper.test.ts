import { describe, expect, it } from "vitest";
import { assertRedisInstalled, startRedis } from "../../helpers/redis.js";

describe("redis test helper", () => {
  it("fails loudly with the install command when redis-server is missing", () => {
    expect(() => assertRedisInstalled("redis-server-not-here")).toThrow(/apt-get install -y redis-server/);
  });

  it("starts a reachable server on a free port and stops it", async () => {
    const a = await startRedis();
    const b = await startRedis();
    expect(a.port).not.toBe(b.port);
    await a.stop();
    await a.stop(); // idempotent
    await b.stop();
  });
});
