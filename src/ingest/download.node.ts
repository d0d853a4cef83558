import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * Official public hosting of Amazon Reviews 2023 (McAuley Lab, UCSD). Raw files come gzipped from the lab's data
 * repository; the benchmark CSVs from the dataset's Hugging Face repository (the files whose sha256 the dataset
 * card lists). Both bases can be overridden, e.g. to point at a mirror.
 */
export const DEFAULT_RAW_BASE_URL = "https://datarepo.eng.ucsd.edu/mcauley_group/data/amazon_2023/raw";
export const DEFAULT_BENCHMARK_BASE_URL =
  "https://huggingface.co/datasets/McAuley-Lab/Amazon-Reviews-2023/resolve/main/benchmark";

export interface DatasetFile {
  url: string;
  /** Relative path under the destination directory. */
  path: string;
}

/** The official files of one category: raw reviews + meta (jsonl.gz) and the 5-core benchmark CSVs. */
export function officialFiles(category: string, bases: { raw?: string; benchmark?: string } = {}): DatasetFile[] {
  if (!/^[A-Za-z0-9_]+$/.test(category))
    throw new Error(`invalid category "${category}" (expected e.g. Electronics, All_Beauty)`);
  const raw = bases.raw ?? DEFAULT_RAW_BASE_URL;
  const bench = bases.benchmark ?? DEFAULT_BENCHMARK_BASE_URL;
  const files: DatasetFile[] = [
    { url: `${raw}/review_categories/${category}.jsonl.gz`, path: `${category}.jsonl.gz` },
    { url: `${raw}/meta_categories/meta_${category}.jsonl.gz`, path: `meta_${category}.jsonl.gz` },
    { url: `${bench}/5core/rating_only/${category}.csv`, path: `5core/rating_only/${category}.csv` },
  ];
  for (const split of ["last_out_w_his", "timestamp_w_his"]) {
    for (const part of ["train", "valid", "test"]) {
      files.push({
        url: `${bench}/5core/${split}/${category}.${part}.csv`,
        path: `5core/${split}/${category}.${part}.csv`,
      });
    }
  }
  return files;
}

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "DownloadError";
  }
}

/** Digs the system error code (ENOTFOUND, ECONNREFUSED, ...) out of undici's "fetch failed" TypeError. */
function networkCode(e: unknown): string {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur; depth++) {
    if (typeof cur === "object" && cur !== null) {
      const o = cur as { code?: unknown; name?: unknown; cause?: unknown };
      if (typeof o.code === "string") return o.code;
      if (o.name === "TimeoutError" || o.name === "AbortError") return "ETIMEDOUT";
      if (!o.cause && cur instanceof Error && cur.message && cur.message !== "fetch failed") return cur.message;
      cur = o.cause;
    } else break;
  }
  return "EUNKNOWN";
}

export interface DownloadOptions {
  /** Abort when no response headers arrive within this time (default 30 s). */
  connectTimeoutMs?: number;
  log?: (message: string) => void;
  fetchImpl?: typeof fetch;
}

/**
 * Downloads one file, streaming to `<dest>.part` and renaming when complete. A `.part` left by an interrupted
 * run is resumed with an HTTP Range request (servers that ignore Range restart it from zero). Network failures
 * become a DownloadError that names the host and says that the machine cannot reach it.
 */
export async function downloadFile(
  url: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<{ bytes: number; resumed: boolean; skipped: boolean }> {
  if (existsSync(dest)) return { bytes: statSync(dest).size, resumed: false, skipped: true };
  const part = `${dest}.part`;
  const have = existsSync(part) ? statSync(part).size : 0;
  const host = new URL(url).host;
  const doFetch = options.fetchImpl ?? fetch;
  let res: Response;
  try {
    res = await doFetch(url, {
      headers: have > 0 ? { Range: `bytes=${have}-` } : {},
      signal: AbortSignal.timeout(options.connectTimeoutMs ?? 30_000),
      redirect: "follow",
    });
  } catch (e) {
    const code = networkCode(e);
    throw new DownloadError(
      `Cannot download ${url}: the network request to ${host} failed (${code}). This machine has no network access ` +
        `to the dataset host; download the file on a connected machine and pass its path to \`npm run ingest -- <file>\`.`,
      url,
      code,
    );
  }
  if (res.status === 416 && have > 0) {
    renameSync(part, dest); // the .part already holds the whole file
    return { bytes: have, resumed: true, skipped: false };
  }
  if (!res.ok || !res.body) {
    throw new DownloadError(
      `Cannot download ${url}: HTTP ${res.status} ${res.statusText} from ${host}.`,
      url,
      `HTTP_${res.status}`,
    );
  }
  const resumed = res.status === 206;
  mkdirSync(join(dest, ".."), { recursive: true });
  const out = createWriteStream(part, { flags: resumed ? "a" : "w" });
  const total = Number(res.headers.get("content-length") ?? 0) + (resumed ? have : 0);
  let bytes = resumed ? have : 0;
  let lastLog = 0;
  const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>);
  body.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    const t = Date.now();
    if (options.log && t - lastLog > 2_000) {
      lastLog = t;
      options.log(
        `[download] ${dest}: ${(bytes / 1e6).toFixed(1)} MB${total ? ` / ${(total / 1e6).toFixed(1)} MB` : ""}`,
      );
    }
  });
  try {
    await pipeline(body, out);
  } catch (e) {
    throw new DownloadError(
      `Download of ${url} was interrupted after ${bytes} bytes (${networkCode(e)}); run the same command again to resume.`,
      url,
      networkCode(e),
    );
  }
  renameSync(part, dest);
  return { bytes, resumed, skipped: false };
}

/** Downloads every official file of a category into `destDir`, returning the local paths. */
export async function downloadCategory(
  category: string,
  destDir: string,
  options: DownloadOptions & { bases?: { raw?: string; benchmark?: string } } = {},
): Promise<string[]> {
  const paths: string[] = [];
  for (const f of officialFiles(category, options.bases)) {
    const dest = join(destDir, f.path);
    mkdirSync(join(dest, ".."), { recursive: true });
    const r = await downloadFile(f.url, dest, options);
    options.log?.(
      `[download] ${dest}: ${r.skipped ? "already present" : `${r.bytes} bytes${r.resumed ? " (resumed)" : ""}`}`,
    );
    paths.push(dest);
  }
  return paths;
}
