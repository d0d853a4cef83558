import { describe, expect, it } from "vitest";
import { RetryingOnce } from "../../src/lib/retrying-once";

describe("RetryingOnce", () => {
  it("shares one attempt between concurrent callers and keeps a success", async () => {
    let calls = 0;
    let release!: (v: string) => void;
    const once = new RetryingOnce(() => {
      calls++;
      return new Promise<string>((r) => (release = r));
    }, { retryAfterMs: 1000 });
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
    const once = new RetryingOnce(async () => {
      calls++;
      if (calls < 3) throw new Error(`attempt ${calls} failed`);
      return 42;
    }, { retryAfterMs: 5000, now: () => t });
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
});
