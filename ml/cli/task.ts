import { loadItemText } from "../data/item-text.js";
import { isOfficialSplitPath, loadInteractionLog, loadOfficialSplit } from "../data/load.js";
import type { InteractionLog } from "../data/interactions.js";
import type { Embedder } from "../../src/ports/embedder.js";
import { HashingEmbedder } from "../../src/adapters/embedder/hashing.js";
import { HuggingFaceEmbedder } from "../../src/adapters/embedder/huggingface.js";
import { UniversalSentenceEncoderEmbedder } from "../../src/adapters/embedder/universal-sentence-encoder.node.js";
import {
  looFullProtocol,
  officialProtocol,
  PROTOCOLS,
  sasrecProtocol,
  sessionProtocol,
  timeProtocol,
  type EvalTask,
  type ProtocolName,
} from "../eval/protocols.js";
import { intArg, type ParsedArgs } from "./args.js";

export const TASK_OPTIONS = ["dataset", "protocol", "seed", "users", "gap-minutes", "item-text", "embedder"];

/** Loads the data set named by --dataset and splits it by --protocol. */
export async function buildTask(
  args: ParsedArgs,
  log: (m: string) => void,
  defaultProtocol: ProtocolName = "sasrec",
): Promise<{ task: EvalTask; log?: InteractionLog }> {
  const dataset = args.get("dataset");
  if (dataset === undefined) throw new Error("--dataset <path> is required");
  const protocol = (args.get("protocol") ??
    (isOfficialSplitPath(dataset) ? "official" : defaultProtocol)) as ProtocolName;
  if (!PROTOCOLS.includes(protocol)) throw new Error(`unknown --protocol ${protocol}; one of ${PROTOCOLS.join(", ")}`);
  const seed = intArg(args, "seed", 42);
  const users = args.has("users") ? intArg(args, "users", 0) : undefined;
  const t0 = performance.now();
  let task: EvalTask;
  let interactionLog: InteractionLog | undefined;
  const itemTextPath = args.get("item-text");
  if (protocol === "official" || isOfficialSplitPath(dataset)) {
    if (protocol !== "official") throw new Error(`${dataset} is an official split: use --protocol official`);
    const split = await loadOfficialSplit(dataset);
    if (itemTextPath !== undefined) split.train.itemText = await loadItemText(itemTextPath, split.train.itemIds);
    task = officialProtocol(split, { seed, maxUsers: users });
  } else {
    interactionLog = await loadInteractionLog(dataset);
    if (itemTextPath !== undefined) interactionLog.itemText = await loadItemText(itemTextPath, interactionLog.itemIds);
    if (protocol === "sasrec") task = sasrecProtocol(interactionLog, { seed, maxUsers: users ?? 10_000 });
    else if (protocol === "loo-full") task = looFullProtocol(interactionLog, { seed, maxUsers: users });
    else if (protocol === "time") task = timeProtocol(interactionLog, { seed, maxUsers: users });
    else task = sessionProtocol(interactionLog, { seed, gapMinutes: intArg(args, "gap-minutes", 30), maxCases: users });
  }
  log(
    `loaded ${dataset} in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${task.train.numUsers} users, ${task.train.numItems} items, ` +
      `${task.train.sequences.reduce((n, s) => n + s.items.length, 0)} training interactions, ${task.validation.length} validation / ${task.test.length} test cases`,
  );
  return { task, log: interactionLog };
}

/** The embedder named by --embedder: use (default, offline USE), hashing, or huggingface (needs HF_TOKEN). */
export function embedderFactory(args: ParsedArgs): () => Embedder {
  let instance: Embedder | undefined;
  return () => {
    if (instance !== undefined) return instance;
    const name = args.get("embedder") ?? "use";
    if (name === "use") instance = new UniversalSentenceEncoderEmbedder();
    else if (name === "hashing") instance = new HashingEmbedder(256);
    else if (name === "huggingface") {
      const token = process.env.HF_TOKEN;
      if (token === undefined) throw new Error("--embedder huggingface needs HF_TOKEN in the environment");
      instance = new HuggingFaceEmbedder({
        accessToken: token,
        model: process.env.HF_EMBED_MODEL ?? "sentence-transformers/all-MiniLM-L6-v2",
        dimension: Number(process.env.HF_EMBED_DIM ?? 384),
      });
    } else throw new Error(`unknown --embedder ${name}; one of use, hashing, huggingface`);
    return instance;
  };
}
