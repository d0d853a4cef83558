import { eq } from "drizzle-orm";
import type { Database } from "../db/database";
import { session as sessionTable, user as userTable } from "../db/schema/auth";
import type { Auth } from "./auth";
import { passwordProblem } from "./password-policy";
import type { RoleName } from "./permissions";

export class AccountError extends Error {
  constructor(
    readonly code: "weak_password" | "exists_not_admin" | "invalid_email" | "sign_up_failed",
    message: string,
  ) {
    super(message);
    this.name = "AccountError";
  }
}

/**
 * Creates a user with email+password through better-auth (same hashing and hooks as sign-up), sets
 * the role, and drops the session sign-up opens (accounts made by tools are not signed in).
 */
export async function createAccount(
  deps: { auth: Auth; db: Database },
  input: { email: string; password: string; name: string; role: RoleName },
): Promise<{ userId: string }> {
  const problem = passwordProblem(input.password, input.email);
  if (problem) throw new AccountError("weak_password", problem);
  let userId: string;
  try {
    const res = await deps.auth.api.signUpEmail({
      body: { email: input.email, password: input.password, name: input.name },
    });
    userId = res.user.id;
  } catch (err) {
    throw new AccountError("sign_up_failed", `could not create ${input.email}: ${(err as Error).message}`);
  }
  await deps.db.update(userTable).set({ role: input.role }).where(eq(userTable.id, userId));
  await deps.db.delete(sessionTable).where(eq(sessionTable.userId, userId));
  return { userId };
}

export type EnsureAdminResult = { status: "created" | "already_admin" | "promoted"; userId: string };

/**
 * The first admin (or any admin), idempotently: an existing admin with that email is left alone, an
 * existing non-admin is promoted only when asked (`promote`), weak passwords are refused.
 */
export async function ensureAdmin(
  deps: { auth: Auth; db: Database },
  input: { email: string; password: string; name?: string; promote?: boolean },
): Promise<EnsureAdminResult> {
  const email = input.email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
    throw new AccountError("invalid_email", `not an email address: ${input.email}`);
  const existing = await deps.db.select().from(userTable).where(eq(userTable.email, email)).get();
  if (existing) {
    if (existing.role === "admin") return { status: "already_admin", userId: existing.id };
    if (!input.promote)
      throw new AccountError(
        "exists_not_admin",
        `${email} exists with role ${existing.role ?? "buyer"}; pass --promote to make it admin`,
      );
    await deps.db.update(userTable).set({ role: "admin" }).where(eq(userTable.id, existing.id));
    return { status: "promoted", userId: existing.id };
  }
  const { userId } = await createAccount(deps, {
    email,
    password: input.password,
    name: input.name ?? "Administrator",
    role: "admin",
  });
  return { status: "created", userId };
}

/** A random password that satisfies the policy: 20 base64url characters plus a fixed mixed-class tail. */
export function generatePassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(15));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return `${btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}-Rc9`;
}
