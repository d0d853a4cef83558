import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ModelRecord, ModelRegistry } from "./registry.js";

/** Registry adapter backed by one JSON file (an array of records), written atomically via rename. */
export class JsonFileRegistry implements ModelRegistry {
  constructor(private readonly path: string) {}

  private read(): ModelRecord[] {
    if (!existsSync(this.path)) return [];
    const parsed: unknown = JSON.parse(readFileSync(this.path, "utf8"));
    if (!Array.isArray(parsed)) throw new Error(`${this.path}: registry file must hold a JSON array`);
    return parsed as ModelRecord[];
  }

  async register(record: ModelRecord): Promise<void> {
    const records = this.read();
    if (records.some((r) => r.model === record.model && r.version === record.version)) {
      throw new Error(`registry ${this.path}: ${record.model}@${record.version} already registered`);
    }
    records.push(record);
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, `${JSON.stringify(records, null, 2)}\n`);
    renameSync(tmp, this.path);
  }

  async get(model: string, version: string): Promise<ModelRecord | undefined> {
    return this.read().find((r) => r.model === model && r.version === version);
  }

  async list(model?: string): Promise<ModelRecord[]> {
    const all = this.read();
    return model === undefined ? all : all.filter((r) => r.model === model);
  }

  async latest(model: string): Promise<ModelRecord | undefined> {
    const mine = await this.list(model);
    return mine.reduce<ModelRecord | undefined>(
      (best, r) => (best === undefined || r.created_at >= best.created_at ? r : best),
      undefined,
    );
  }
}
