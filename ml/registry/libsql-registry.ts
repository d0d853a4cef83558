import type { Client } from "@libsql/client";
import type { DataWindow, ModelRecord, ModelRegistry } from "./registry.js";

/**
 * The registry in the `model_registry` table of the app's libSQL database (embedded file or Turso), so the
 * serving path, the scheduler and operators read one record of what was trained, on what, with what result.
 * Web-standard: any libSQL client (Node file, or the Workers' HTTP client) works.
 */
export class LibsqlModelRegistry implements ModelRegistry {
  constructor(private readonly client: Client) {}

  async register(record: ModelRecord): Promise<void> {
    try {
      await this.client.execute({
        sql: `INSERT INTO model_registry (model, version, params, data_window, metrics, artifact_location, created_at)
              VALUES (?, ?, ?, ?, ?, ?, ?)`,
        args: [
          record.model,
          record.version,
          JSON.stringify(record.params),
          JSON.stringify(record.data_window),
          JSON.stringify(record.metrics),
          record.artifact_location,
          record.created_at,
        ],
      });
    } catch (err) {
      if (err instanceof Error && /UNIQUE|PRIMARY KEY/i.test(err.message)) {
        throw new Error(`model registry: ${record.model}@${record.version} is already registered`);
      }
      throw err;
    }
  }

  async get(model: string, version: string): Promise<ModelRecord | undefined> {
    const { rows } = await this.client.execute({
      sql: "SELECT * FROM model_registry WHERE model = ? AND version = ?",
      args: [model, version],
    });
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async list(model?: string): Promise<ModelRecord[]> {
    const { rows } = model
      ? await this.client.execute({
          sql: "SELECT * FROM model_registry WHERE model = ? ORDER BY created_at, version",
          args: [model],
        })
      : await this.client.execute("SELECT * FROM model_registry ORDER BY created_at, version");
    return rows.map(toRecord);
  }

  async latest(model: string): Promise<ModelRecord | undefined> {
    const { rows } = await this.client.execute({
      sql: "SELECT * FROM model_registry WHERE model = ? ORDER BY created_at DESC, version DESC LIMIT 1",
      args: [model],
    });
    return rows[0] ? toRecord(rows[0]) : undefined;
  }
}

function toRecord(row: Record<string, unknown>): ModelRecord {
  return {
    model: String(row.model),
    version: String(row.version),
    params: JSON.parse(String(row.params)) as Record<string, unknown>,
    data_window: JSON.parse(String(row.data_window)) as DataWindow,
    metrics: JSON.parse(String(row.metrics)) as Record<string, number>,
    artifact_location: String(row.artifact_location),
    created_at: String(row.created_at),
  };
}
