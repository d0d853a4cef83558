/**
 * A fake Hugging Face Inference feature-extraction server on 127.0.0.1 for offline tests of the HF
 * embedder, as fake-qdrant.ts is for Qdrant. It serves the two routes the client can be pointed at:
 * - the hosted pipeline, `POST /hf-inference/models/<model>/pipeline/feature-extraction`, checked against
 *   huggingface.js' feature-extraction input/output JSON Schemas;
 * - Text Embeddings Inference's `POST /embed`, checked against TEI's OpenAPI document.
 * Every request body is validated (objects closed: a misspelt field is a violation), the bearer token is
 * checked, and every reply (vectors and errors, against TEI's ErrorResponse) is validated before it is sent.
 * Violations are recorded in `violations` so a test can assert there were none. Vectors are the hashing
 * embedder's (deterministic, texts sharing words are closer), so the Embedder contract runs against it.
 * Scripted replies (`enqueue`) simulate throttling, outages and malformed answers.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { resolve } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { HashingEmbedder } from "../../../src/adapters/embedder/hashing.js";
import { OpenApiValidator } from "../vector-index/openapi-validator.js";

/** `shared/specs` beside the repo root (the main checkout) or beside its parent (a worktree under /work/wt). */
export const HF_SPEC_DIR =
  ["../shared", "../../shared"]
    .map((up) => resolve(process.cwd(), up, "specs/huggingface-inference"))
    .find((dir) => existsSync(dir)) ?? resolve(process.cwd(), "../shared/specs/huggingface-inference");

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

/** A scripted reply: an error status (with a TEI ErrorResponse body) or a body that breaks the reply schema. */
export type ScriptedReply =
  | { status: number; errorType?: string; retryAfter?: string }
  | { malformed: Json; status?: 200 };

export interface RecordedRequest {
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

export interface FakeHf {
  url: string;
  /** The hosted-style endpoint URL for `model` (what the client's `endpointUrl` is set to). */
  endpoint(model: string): string;
  /** TEI's `/embed`. */
  teiEndpoint: string;
  dimension: number;
  violations: string[];
  requests: RecordedRequest[];
  /** Replies served (in order) before the fake answers normally again. */
  enqueue(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

const isObj = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Closes objects that list properties (as the Qdrant validator does): undocumented fields are violations. */
function closeObjects(node: Json): Json {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (!isObj(node)) return node;
  const out: JsonObject = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, closeObjects(v)]));
  if (out.type === "object" && isObj(out.properties) && !("additionalProperties" in out))
    out.additionalProperties = false;
  return out;
}

function loadSpecs(): {
  request: ValidateFunction;
  reply: ValidateFunction;
  error: ValidateFunction;
  tei: OpenApiValidator;
} {
  const file = (name: string): string => {
    const path = resolve(HF_SPEC_DIR, name);
    if (!existsSync(path))
      throw new Error(`Hugging Face spec not found at ${path} (expected ../shared/specs beside the repo root)`);
    return readFileSync(path, "utf8");
  };
  // strict: false because the schemas carry annotations Ajv does not know (nullable, example, string defaults).
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  (addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
  ajv.addFormat("float", {
    type: "number",
    validate: (n: number) => Number.isFinite(n) && Math.abs(n) <= 3.4028234663852886e38,
  });
  const schema = (name: string): object => {
    const { $schema: _draft, ...rest } = JSON.parse(file(name)) as JsonObject; // draft-06 keywords used are draft-07's too
    return closeObjects(rest) as object;
  };
  const teiDoc = JSON.parse(file("tei-openapi.json")) as { components: { schemas: Record<string, JsonObject> } };
  const { ErrorResponse, ErrorType } = teiDoc.components.schemas;
  const errorSchema = closeObjects({
    ...ErrorResponse,
    properties: { ...(ErrorResponse.properties as JsonObject), error_type: ErrorType },
  });
  return {
    request: ajv.compile(schema("feature-extraction.input.json")),
    reply: ajv.compile(schema("feature-extraction.output.json")),
    error: ajv.compile(errorSchema as object),
    tei: new OpenApiValidator(teiDoc as ConstructorParameters<typeof OpenApiValidator>[0]),
  };
}

const problems = (v: ValidateFunction, where: string): string[] =>
  (v.errors ?? [])
    .slice(0, 8)
    .map((e) => `${where}${e.instancePath} ${e.message ?? "invalid"} ${JSON.stringify(e.params)}`);

const ERROR_TYPES: Record<number, string> = {
  400: "Empty",
  413: "Validation",
  422: "Tokenizer",
  424: "Backend",
  429: "Overloaded",
};

export async function startFakeHf(options: { token?: string; dimension?: number } = {}): Promise<FakeHf> {
  const specs = loadSpecs();
  const dimension = options.dimension ?? 32;
  const vectors = new HashingEmbedder(dimension);
  const script: ScriptedReply[] = [];
  const state: FakeHf = {
    url: "",
    endpoint: (model) => `${state.url}/hf-inference/models/${model}/pipeline/feature-extraction`,
    teiEndpoint: "",
    dimension,
    violations: [],
    requests: [],
    enqueue: (...replies) => script.push(...replies),
    close: async () => {},
  };

  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of req) chunks.push(chunk as Uint8Array);
    const text = Buffer.concat(chunks).toString("utf8");
    return text === "" ? undefined : JSON.parse(text);
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const hosted = /^\/hf-inference\/models\/(.+)\/pipeline\/feature-extraction$/.exec(url.pathname);
    const tei = url.pathname === "/embed" ? specs.tei.match(req.method ?? "GET", url.pathname) : undefined;
    const send = (status: number, body: Json, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
    };
    const sendError = (
      status: number,
      message: string,
      errorType = ERROR_TYPES[status] ?? "Backend",
      headers = {},
    ): void => {
      const body = { error: message, error_type: errorType };
      if (!specs.error(body)) state.violations.push(...problems(specs.error, "REPLY error"));
      send(status, body, headers);
    };
    void (async () => {
      let body: unknown;
      try {
        body = await readBody(req);
      } catch {
        state.violations.push(`${url.pathname}: request body is not JSON`);
        return sendError(400, "request body is not valid JSON", "Validation");
      }
      state.requests.push({
        path: url.pathname,
        authorization: req.headers.authorization,
        contentType: req.headers["content-type"],
        body,
      });
      if (req.method !== "POST" || (!hosted && !tei)) {
        state.violations.push(`${req.method} ${url.pathname}: not a feature-extraction route`);
        return sendError(404, "Not Found", "Validation");
      }
      if (!String(req.headers["content-type"] ?? "").startsWith("application/json"))
        state.violations.push(`${url.pathname}: content-type ${req.headers["content-type"]} is not application/json`);
      if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`)
        return send(401, { error: "Invalid credentials in Authorization header" });
      // The request against the contract of the route it came in on.
      const requestProblems = tei
        ? specs.tei.validateRequest(tei, url.searchParams, body)
        : specs.request(body)
          ? []
          : problems(specs.request, "REQUEST body");
      if (requestProblems.length > 0) {
        state.violations.push(...requestProblems);
        return sendError(422, `invalid request: ${requestProblems[0]}`, "Validation");
      }
      const scripted = script.shift();
      if (scripted && "malformed" in scripted) return send(200, scripted.malformed);
      if (scripted)
        return sendError(
          scripted.status,
          scripted.status === 429 ? "Model is overloaded" : "Inference failed",
          scripted.errorType,
          scripted.retryAfter ? { "retry-after": scripted.retryAfter } : {},
        );
      const inputs = (body as { inputs: string | string[] }).inputs;
      const texts = typeof inputs === "string" ? [inputs] : inputs;
      if (texts.length === 0) return sendError(400, "Batch is empty", "Empty");
      const reply = (await vectors.embed(texts)).map((v) => Array.from(v));
      const replyProblems = tei
        ? specs.tei.validateResponse(tei, 200, reply)
        : specs.reply(reply)
          ? []
          : problems(specs.reply, "REPLY body");
      if (replyProblems.length > 0) state.violations.push(...replyProblems.map((p) => `REPLY ${p}`));
      send(200, reply);
    })().catch((err: unknown) => {
      state.violations.push(`fake crashed: ${err instanceof Error ? err.message : String(err)}`);
      sendError(500, "fake crashed");
    });
  });

  await new Promise<void>((ok, ko) => {
    server.once("error", ko);
    server.listen(0, "127.0.0.1", () => ok());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("fake HF server has no TCP address");
  state.url = `http://127.0.0.1:${address.port}`;
  state.teiEndpoint = `${state.url}/embed`;
  state.close = () =>
    new Promise<void>((ok, ko) => {
      server.closeAllConnections();
      server.close((err) => (err ? ko(err) : ok()));
    });
  return state;
}
