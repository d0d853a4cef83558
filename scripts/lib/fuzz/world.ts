import { apiScopes } from "../../../src/auth/permissions";

/** One identity the fuzzer calls as. */
export interface FuzzCaller {
  name: string;
  headers: Record<string, string>;
  /** The account it acts for (null: anonymous). */
  userId: string | null;
  /** Admins may see other accounts' emails (user search); nobody sees another account's secrets. */
  admin: boolean;
}

/** A secret (session token, API key) or email that belongs to one account. */
export interface Owned {
  owner: string;
  value: string;
  kind: "secret" | "email";
}

export interface FuzzWorld {
  callers: FuzzCaller[];
  owned: Owned[];
  /** Real resource ids by parameter name, mixed into generated inputs so requests reach the handlers. */
  pools: Record<string, string[]>;
}

type Send = (path: string, init: RequestInit) => Promise<Response>;

async function account(send: Send, email: string, password: string) {
  const body = (b: unknown): RequestInit => ({
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(b),
  });
  const up = await send("/api/auth/sign-up/email", body({ email, password, name: email.split("@")[0] }));
  if (up.status !== 200) throw new Error(`fuzz world: sign-up ${email}: ${up.status} ${await up.text()}`);
  const res = await send("/api/auth/sign-in/email", body({ email, password }));
  if (res.status !== 200) throw new Error(`fuzz world: sign-in ${email}: ${res.status} ${await res.text()}`);
  const { user } = (await res.json()) as { user: { id: string } };
  const token = res.headers.get("set-auth-token");
  if (!token) throw new Error("fuzz world: no set-auth-token");
  return { userId: user.id, email, token };
}

/**
 * The accounts and resources a run needs: a buyer, two sellers, an admin and a victim (never a caller: its
 * secrets and email are what must not leak), a session id, listings, and one API key per scope (and one with
 * all scopes) owned by the buyer. `setRole` writes roles directly (the world's setup, not under test).
 */
export async function buildWorld(
  send: Send,
  setRole: (userId: string, role: "buyer" | "seller" | "admin") => Promise<void>,
  products: string[],
): Promise<FuzzWorld> {
  const tag = Math.random().toString(36).slice(2, 8);
  const pw = "Fuzz-Password-42x";
  const [buyer, seller, seller2, admin, victim] = await Promise.all(
    ["buyer", "seller", "seller2", "admin", "victim"].map((n) => account(send, `fuzz-${n}-${tag}@example.test`, pw)),
  );
  await setRole(seller.userId, "seller");
  await setRole(seller2.userId, "seller");
  await setRole(admin.userId, "admin");
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  const listings: string[] = [];
  for (const [s, productId] of [
    [seller, products[0]],
    [seller2, products[1 % products.length]],
    [seller, products[2 % products.length]],
  ] as const) {
    const res = await send("/v1/listings", {
      method: "POST",
      headers: { ...bearer(s.token), "content-type": "application/json" },
      body: JSON.stringify({
        productId,
        condition: "good",
        price: { amountMinor: 10_000, currency: "USD" },
        description: "fuzz",
      }),
    });
    if (res.status === 201) listings.push(((await res.json()) as { id: string }).id);
  }

  const owned: Owned[] = [];
  for (const a of [buyer, seller, seller2, admin, victim]) {
    owned.push({ owner: a.userId, value: a.token.split(".")[0], kind: "secret" });
    owned.push({ owner: a.userId, value: a.email, kind: "email" });
  }
  const keys: FuzzCaller[] = [];
  const keyIds: string[] = [];
  for (const scopes of [...apiScopes.map((s) => [s]), [...apiScopes]]) {
    const res = await send("/v1/api-keys", {
      method: "POST",
      headers: { ...bearer(buyer.token), "content-type": "application/json" },
      body: JSON.stringify({ name: `fuzz ${scopes.length}`, scopes }),
    });
    if (res.status !== 201) throw new Error(`fuzz world: key: ${res.status} ${await res.text()}`);
    const k = (await res.json()) as { id: string; key: string };
    keys.push({ name: `key:${scopes.join("+")}`, headers: { "x-api-key": k.key }, userId: buyer.userId, admin: false });
    owned.push({ owner: buyer.userId, value: k.key, kind: "secret" });
    keyIds.push(k.id);
  }
  // A victim's key: its id is a target (revoke/rotate must refuse), its value must never appear.
  const vk = await send("/v1/api-keys", {
    method: "POST",
    headers: { ...bearer(victim.token), "content-type": "application/json" },
    body: JSON.stringify({ name: "victim", scopes: ["catalog:read"] }),
  });
  const victimKey = (await vk.json()) as { id: string; key: string };
  owned.push({ owner: victim.userId, value: victimKey.key, kind: "secret" });

  const callers: FuzzCaller[] = [
    { name: "anonymous", headers: { "x-session-id": `fuzzsess${tag}` }, userId: null, admin: false },
    { name: "buyer", headers: bearer(buyer.token), userId: buyer.userId, admin: false },
    { name: "seller", headers: bearer(seller.token), userId: seller.userId, admin: false },
    { name: "admin", headers: bearer(admin.token), userId: admin.userId, admin: true },
    ...keys,
  ];
  return {
    callers,
    owned,
    pools: {
      // Admin user routes target only the victim and unknown ids: the callers keep their roles and sessions.
      userId: [victim.userId],
      listingId: listings,
      productId: products,
      product: products,
      id: [...listings, ...products, victim.userId, victimKey.id],
      keyId: [victimKey.id],
      seller: [seller.userId, seller2.userId],
      item_id: products,
      listing_id: listings,
      session_id: [`fuzzsess${tag}`, `victimsess${tag}`],
      // API keys name end users (docs/auth.md); other callers sending one get 400.
      "x-end-user-id": ["fuzz-end-user-1", "fuzz-end-user-2"],
      end_user_id: ["fuzz-end-user-1", "fuzz-end-user-2"],
      model: ["two-tower", "ranker", "item-knn"],
      type: ["product", "listing"],
    },
  };
}
