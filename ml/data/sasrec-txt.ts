import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { DatasetFormatError } from "./errors.js";
import { IdMap, SequenceBuilder, type InteractionLog } from "./interactions.js";

/**
 * Reads the SASRec `user item` text format (one pair a line, integer ids, each user's lines in time order,
 * no timestamps). Timestamps are left at 0; the original per-user line order is the time order.
 */
export async function loadSasrecTxt(path: string): Promise<InteractionLog> {
  const users = new IdMap();
  const items = new IdMap();
  const builder = new SequenceBuilder();
  const rl = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of rl) {
    line++;
    const text = raw.trim();
    if (text === "") continue;
    const parts = text.split(/\s+/);
    if (parts.length !== 2) {
      throw new DatasetFormatError(path, line, `expected "user item" (2 integers), got ${JSON.stringify(raw)}`);
    }
    for (const p of parts) {
      if (!/^-?\d+$/.test(p)) throw new DatasetFormatError(path, line, `not an integer id: ${JSON.stringify(p)}`);
    }
    builder.add(users.get(parts[0]), items.get(parts[1]), 0);
  }
  if (line === 0 || users.size === 0) throw new DatasetFormatError(path, 1, "file is empty");
  return {
    source: path,
    userIds: users.ids,
    itemIds: items.ids,
    sequences: builder.build(users.size),
    hasTimestamps: false,
  };
}
