import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryOutbox } from "../../src/adapters/mailer/memory-outbox";
import { createAuth } from "../../src/auth/auth";
import { loadConfig } from "../../src/config";
import { nullLogger } from "../../src/ports/logger";
import { type TestApp, createTestApp, createTestDb, fastPasswordHasher } from "../helpers/app";
import { STRONG_PASSWORD, postJson, signUp, uniqueEmail } from "../helpers/auth";

let t: TestApp;
const outbox = new MemoryOutbox();
let dbCleanup: () => void;
beforeAll(async () => {
  const testDb = await createTestDb();
  dbCleanup = testDb.cleanup;
  const config = loadConfig({
    NODE_ENV: "test",
    DEMO_DATA: "false",
    DATABASE_URL: testDb.url,
    CLIENT_IP_HEADER: "x-forwarded-for",
  });
  const auth = createAuth(
    { config, db: testDb.db, mailer: outbox, logger: nullLogger },
    { passwordHasher: fastPasswordHasher },
  );
  t = await createTestApp({ config, db: testDb.db, auth });
});
afterAll(() => {
  t.cleanup();
  dbCleanup();
});

/** The answer with what differs per call by construction (the generated id, timestamps) blanked. */
async function shape(res: Response) {
  const body = (await res.json()) as { token: unknown; user: Record<string, unknown> };
  const { id, createdAt, updatedAt, ...user } = body.user;
  return {
    status: res.status,
    token: body.token,
    user: { ...user, id: typeof id, createdAt: typeof createdAt, updatedAt: typeof updatedAt },
    setCookie: res.headers.getSetCookie().length,
    authToken: res.headers.get("set-auth-token"),
  };
}

describe("sign-up does not tell whether an email has an account", () => {
  it("sign-up answers a taken email exactly like a new one, and mails the owner", async () => {
    const owner = await signUp(t, { name: "same" });
    const fresh = uniqueEmail();
    const forNew = await shape(
      await postJson(t, "/api/auth/sign-up/email", { email: fresh, password: STRONG_PASSWORD, name: "same" }),
    );
    const forTaken = await shape(
      await postJson(t, "/api/auth/sign-up/email", { email: owner.email, password: STRONG_PASSWORD, name: "same" }),
    );
    expect(forTaken).toEqual({ ...forNew, user: { ...forNew.user, email: owner.email } });
    expect(forTaken.status).toBe(200);
    expect(forTaken.token).toBeNull();
    expect(outbox.to(owner.email).map((m) => m.kind)).toEqual(["welcome", "sign_up_existing_account"]);
    expect(outbox.to(fresh).map((m) => m.kind)).toEqual(["welcome"]);
  });

  it("a taken email's sign-up creates no session and does not change the owner's password", async () => {
    const owner = await signUp(t);
    await postJson(t, "/api/auth/sign-up/email", { email: owner.email, password: "Another-Pass-77", name: "x" });
    const withNew = await postJson(t, "/api/auth/sign-in/email", { email: owner.email, password: "Another-Pass-77" });
    expect(withNew.status).toBe(401);
    const withOld = await postJson(t, "/api/auth/sign-in/email", { email: owner.email, password: owner.password });
    expect(withOld.status).toBe(200);
  });
});
