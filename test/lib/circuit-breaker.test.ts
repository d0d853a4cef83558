import { describe, expect, it } from "vitest";
import { CallTimeoutError, CircuitBreaker, CircuitOpenError, type BreakerState } from "../../src/lib/circuit-breaker";

const down = () => Promise.reject(new Error("connection refused"));
const up = () => Promise.resolve("ok");

function breaker(extra: Partial<ConstructorParameters<typeof CircuitBreaker>[0]> = {}) {
  let now = 0;
  const states: BreakerState[] = [];
  const b = new CircuitBreaker({
    failureThreshold: 3,
    cooldownMs: 1000,
    timeoutMs: 50,
    now: () => now,
    onStateChange: (s) => states.push(s),
    ...extra,
  });
  return { b, states, advance: (ms: number) => (now += ms) };
}

describe("CircuitBreaker", () => {
  it("opens after the threshold of consecutive failures and then fails fast without calling", async () => {
    const { b, states } = breaker();
    for (let i = 0; i < 3; i++) await expect(b.run(down)).rejects.toThrow("connection refused");
    expect(b.state).toBe("open");
    let called = false;
    await expect(
      b.run(async () => {
        called = true;
      }),
    ).rejects.toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(false);
    expect(states).toEqual(["open"]);
  });

  it("a success in between resets the count", async () => {
    const { b } = breaker();
    await expect(b.run(down)).rejects.toThrow();
    await expect(b.run(down)).rejects.toThrow();
    await b.run(up);
    await expect(b.run(down)).rejects.toThrow();
    expect(b.state).toBe("closed");
  });

  it("after the cooldown lets one probe through: success closes, failure reopens", async () => {
    const { b, states, advance } = breaker();
    for (let i = 0; i < 3; i++) await expect(b.run(down)).rejects.toThrow();
    advance(1000);
    expect(b.state).toBe("half_open");
    await expect(b.run(down)).rejects.toThrow("connection refused");
    expect(b.state).toBe("open");
    advance(1000);
    expect(await b.run(up)).toBe("ok");
    expect(b.state).toBe("closed");
    expect(states).toEqual(["open", "closed"]);
  });

  it("only one probe at a time while half-open", async () => {
    const { b, advance } = breaker();
    for (let i = 0; i < 3; i++) await expect(b.run(down)).rejects.toThrow();
    advance(1000);
    let release: () => void = () => {};
    const probe = b.run(() => new Promise<string>((r) => (release = () => r("ok"))));
    await expect(b.run(up)).rejects.toBeInstanceOf(CircuitOpenError);
    release();
    expect(await probe).toBe("ok");
    expect(b.state).toBe("closed");
  });

  it("a call slower than the timeout fails and counts", async () => {
    const { b } = breaker({ failureThreshold: 1 });
    await expect(b.run(() => new Promise(() => {}))).rejects.toBeInstanceOf(CallTimeoutError);
    expect(b.state).toBe("open");
  });

  it("errors that are not outages pass through without opening the circuit", async () => {
    const { b } = breaker({ failureThreshold: 1, isFailure: (e) => (e as Error).message !== "bad input" });
    await expect(b.run(() => Promise.reject(new Error("bad input")))).rejects.toThrow("bad input");
    expect(b.state).toBe("closed");
  });
});
