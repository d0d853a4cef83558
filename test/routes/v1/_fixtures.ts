import { createTestApp, type TestApp } from "../../helpers/app";
import { createUser, json, type TestUser } from "../../helpers/auth";
import { insertProducts } from "../../helpers/catalog-fixtures";

export const PRODUCTS = [
  { parentAsin: "B0PHONE001", title: "Pixel Phone 7", categories: ["Electronics", "Cell Phones"], price: 599 },
  { parentAsin: "B0CAMERA01", title: "Mirrorless Camera X", categories: ["Electronics", "Camera & Photo"], price: 899 },
  {
    parentAsin: "B0HEADPH01",
    title: "Noise Cancelling Headphones",
    categories: ["Electronics", "Headphones"],
    price: 299,
  },
];

export interface Market extends TestApp {
  buyer: TestUser;
  seller: TestUser;
  otherSeller: TestUser;
  admin: TestUser;
}

/** A test app with catalog products and one user per role (users are costly: scrypt hashing). */
export async function createMarket(env: Record<string, string> = {}): Promise<Market> {
  const t = await createTestApp({}, env);
  await insertProducts(t.db, PRODUCTS);
  const [buyer, seller, otherSeller, admin] = await Promise.all([
    createUser(t, "buyer"),
    createUser(t, "seller"),
    createUser(t, "seller"),
    createUser(t, "admin"),
  ]);
  return { ...t, buyer, seller, otherSeller, admin };
}

export interface ListingBody {
  id: string;
  status: string;
  sellerId: string;
  productId: string;
  price: { amountMinor: number; currency: string };
}

export async function listDevice(
  t: TestApp,
  seller: TestUser,
  overrides: Record<string, unknown> = {},
): Promise<ListingBody> {
  const res = await t.app.request("/v1/listings", {
    method: "POST",
    headers: { ...seller.headers, "content-type": "application/json" },
    body: JSON.stringify({
      productId: "B0PHONE001",
      condition: "good",
      price: { amountMinor: 25_000, currency: "USD" },
      description: "Works fine",
      ...overrides,
    }),
  });
  if (res.status !== 201) throw new Error(`listing failed: ${res.status} ${await res.text()}`);
  return json<ListingBody>(res);
}

export const send = (t: TestApp, method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  t.app.request(path, {
    method,
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

export const errorCode = async (res: Response) => (await json<{ error: { code: string } }>(res)).error.code;
