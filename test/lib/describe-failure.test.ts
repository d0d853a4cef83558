import { describe, expect, it } from "vitest";
import { describeCause, describeFailure, redactUrl } from "../../src/lib/describe-failure";

describe("describeFailure", () => {
  it("names the setting, the URL without credentials and the network cause in one line", () => {
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6333"), { code: "ECONNREFUSED" });
    const err = new TypeError("fetch failed", { cause });
    expect(describeFailure("QDRANT_URL", "http://127.0.0.1:6333", err)).toBe(
      "QDRANT_URL=http://127.0.0.1:6333/: connection refused",
    );
  });

  it("hides user info and query values of URLs", () => {
    expect(redactUrl("libsql://db.turso.io?authToken=s3cr3t-value")).toBe("libsql://db.turso.io?authToken=***");
    expect(redactUrl("https://user:pa55@example.com/x")).not.toContain("pa55");
  });

  it("falls back to the innermost message, first line only", () => {
    const err = new Error("outer", { cause: new Error("inner reason\nstack-ish") });
    expect(describeCause(err)).toBe("inner reason");
  });
});
