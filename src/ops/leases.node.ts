import { hostname } from "node:os";
import type { Client } from "@libsql/client";
import { LibsqlLeaseStore } from "../adapters/lease/libsql";
import type { LeaseName } from "../ports/lease";
import type { Log } from "../ports/logger";
import { holderId, LeaderLease } from "./leader";

let holder: string | null = null;
/** This process as a lease holder: the host (the pod's name on Kubernetes), the pid, a random part per start. */
export const nodeHolderId = (): string => {
  holder ??= holderId(`${hostname()}/${process.pid}`);
  return holder;
};

/** A LeaderLease on the app database's `leases` table for this Node process. */
export function nodeLease(client: Client, name: LeaseName, ttlMs: number, log?: Log): LeaderLease {
  return new LeaderLease({ store: new LibsqlLeaseStore(client), name, holder: nodeHolderId(), ttlMs, log });
}
