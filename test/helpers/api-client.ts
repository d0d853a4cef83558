import createClient from "openapi-fetch";
import type { paths } from "../../src/client/schema";
import type { TestApp } from "./app";

/**
 * A typed client (openapi-fetch over the committed openapi-typescript types, src/client/schema.d.ts) that
 * calls the in-process app: requests and answers are typed by the OpenAPI document, so a test using it stops
 * compiling when the document and the code part ways (`npm run gen:client` after a route change).
 */
export function apiClient(t: Pick<TestApp, "app">, headers: Record<string, string> = {}) {
  return createClient<paths>({
    baseUrl: "http://recircuit.test",
    headers,
    fetch: (request) => Promise.resolve(t.app.request(request)),
  });
}
export type ApiClient = ReturnType<typeof apiClient>;
