import { existsSync, statSync } from "node:fs";
import { loadAmazonOfficialSplit, loadAmazonRatings, type OfficialSplit } from "./amazon-csv.js";
import type { InteractionLog } from "./interactions.js";
import { loadSasrecTxt } from "./sasrec-txt.js";

/** True when the path names an official split (a directory of split files or a *.train.csv). */
export function isOfficialSplitPath(path: string): boolean {
  if (!existsSync(path)) throw new Error(`${path}: no such file or directory`);
  return statSync(path).isDirectory() || path.endsWith(".train.csv");
}

/** Loads a whole interaction log: SASRec `.txt` or an Amazon 2023 benchmark `.csv`. */
export async function loadInteractionLog(path: string): Promise<InteractionLog> {
  if (isOfficialSplitPath(path)) {
    throw new Error(`${path}: this is an official split; use --protocol official (or pass the rating_only CSV)`);
  }
  if (path.endsWith(".txt")) return loadSasrecTxt(path);
  if (path.endsWith(".csv") || path.endsWith(".csv.gz")) return loadAmazonRatings(path);
  throw new Error(`${path}: unknown data set format (expected SASRec .txt, Amazon .csv, or a split directory)`);
}

export async function loadOfficialSplit(path: string): Promise<OfficialSplit> {
  return loadAmazonOfficialSplit(path);
}
