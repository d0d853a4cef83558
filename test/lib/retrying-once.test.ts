import { describe, expect, it } from "vitest";
import { RetryingOnce } from "../../src/lib/retrying-once";

describe("RetryingOnce", () => {
  it("shares one attempt between concurrent callers and keeps a success", async () => {
    let calls = 0;
    let release!: (v: string) => void;
    const once = new RetryingOnce(
      () => {
        calls++;
        return new Promise<string>((r) => (release = r));
      },
      { retryAfterMs: 1000 },
    );
    const a = once.get();
    const b = once.get();
    expect(calls).toBe(1);
    release("models");
    expect(await Promise.all([a, b])).toEqual(["models", "models"]);
    expect(await once.get()).toBe("models");
    expect(calls).toBe(1);
    expect(once.done).toBe(true);
  });

  it("does not cache a failure: retries after the back-off, answering the last error meanwhile", async () => {
    let t = 0;
    let calls = 0;
    const once = new RetryingOnce(
      async () => {
        calls++;
        if (calls < 3) throw new Error(`attempt ${calls} failed`);
        return 42;
      },
      { retryAfterMs: 5000, now: () => t },
    );
    const [x, y] = await Promise.allSettled([once.get(), once.get()]);
    expect(x).toMatchObject({ status: "rejected", reason: new Error("attempt 1 failed") });
    expect(y).toMatchObject({ status: "rejected", reason: new Error("attempt 1 failed") });
    expect(calls).toBe(1);
    t = 4999;
    await expect(once.get()).rejects.toThrow("attempt 1 failed");
    expect(calls).toBe(1);
    t = 5000;
    await expect(once.get()).rejects.toThrow("attempt 2 failed");
    expect(once.lastError).toEqual(new Error("attempt 2 failed"));
    t = 10_000;
    expect(await once.get()).toBe(42);
    expect(calls).toBe(3);
    expect(once.done).toBe(true);
  });

  it("doubles the back-off with each consecutive failure, up to the cap", async () => {
    let t = 0;
    let calls = 0;
    const once = new RetryingOnce(
      async () => {
        calls++;
        throw new Error("down");
      },
      { retryAfterMs: 1000, maxRetryAfterMs: 3000, now: () => t },
    );
    const attemptsAt = async (times: number[]): Promise<number[]> => {
      const seen: number[] = [];
      for (const at of times) {
        t = at;
        await once.get().catch(() => {});
        seen.push(calls);
      }
      return seen;
    };
    // failures at 0, 1000 (waited 1 s), 3000 (2 s), 6000 (3 s: capped), 9000 (3 s)
    expect(await attemptsAt([0, 999, 1000, 2999, 3000, 5999, 6000, 8999, 9000])).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5]);
  });
});
