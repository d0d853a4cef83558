import { describe, expect, it } from "vitest";
import { contractProblem } from "../../scripts/lib/fuzz/run";

/** The fuzzer's contract oracle must be able to fail: what it flags, what it lets pass. */
describe("fuzz oracle: the common error body", () => {
  const ok = JSON.stringify({ error: { code: "invalid_cursor", message: "m", requestId: "r-1" } });
  it("passes a success and a well-formed error whose requestId is the x-request-id", () => {
    expect(contractProblem(200, "whatever", "text/html", null)).toBeNull();
    expect(contractProblem(400, ok, "application/json", "r-1")).toBeNull();
  });
  it("flags Node's bare 431, a missing field, a non-snake code and a requestId that differs from the header", () => {
    expect(contractProblem(431, "", "", null)).toMatch(/without a JSON body/);
    expect(contractProblem(500, "{", "application/json", null)).toMatch(/not JSON/);
    expect(contractProblem(400, JSON.stringify({ code: "X" }), "application/json", null)).toMatch(/error.code/);
    expect(
      contractProblem(
        400,
        JSON.stringify({ error: { code: "BAD_THING", message: "m", requestId: "r" } }),
        "json",
        null,
      ),
    ).toMatch(/snake_case/);
    expect(contractProblem(400, JSON.stringify({ error: { code: "x", message: "m" } }), "json", null)).toMatch(
      /requestId/,
    );
    expect(contractProblem(400, ok, "application/json", "r-2")).toMatch(/differs/);
  });
});
