import type { ModelRegistry, StoredVersion } from "../../ports/model-registry";

/**
 * The versions that served before `current`, newest first: rollback targets (an admin's rollback without a
 * version, and selection's rollback of a set that fails on live traffic).
 */
export async function previousVersions(
  registry: ModelRegistry,
  model: string,
  current: string | null,
): Promise<StoredVersion[]> {
  const versions = await registry.versions(model, 1000);
  const at = versions.find((v) => v.version === current);
  return versions.filter((v) => v.version !== current && (!at || v.createdAt <= at.createdAt));
}
