/**
 * A lease contender in its own process (test/adapters/lease/libsql.test.ts): for `ms` it tries to take the
 * lease with a short ttl, holding it briefly when it gets it, and prints each grant as a JSON line.
 *   tsx contender.ts <database url> <holder> <ms>
 */
import { createClient } from "@libsql/client";
import { LibsqlLeaseStore } from "../../../src/adapters/lease/libsql";

const [url, holder, ms] = process.argv.slice(2);
const client = createClient({ url, timeout: 5000 });
const store = new LibsqlLeaseStore(client);
const until = Date.now() + Number(ms);
while (Date.now() < until) {
  const grant = await store.acquire("contended", holder, 30);
  if (grant) {
    process.stdout.write(`${JSON.stringify(grant)}\n`);
    await new Promise((r) => setTimeout(r, 5));
    if (Math.random() < 0.5) await store.release("contended", holder, grant.epoch);
  }
}
client.close();
