/**
 * One-line descriptions of backend failures for logs and start-up errors: `SETTING=<url without
 * credentials>: <cause>`, e.g. `QDRANT_URL=http://qdrant:6333/: connection refused`. URLs lose their user
 * info and query values (a Turso or Upstash URL may carry a token there); causes are the innermost error's
 * network code in words, else its message, never a stack. Web APIs only.
 */

/** A URL with user info and query values replaced by `***`; the input unchanged when it is not a URL. */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.replace(/(token|key|secret|password)=[^&\s]*/gi, "$1=***");
  }
  if (url.username || url.password) {
    url.username = url.username ? "***" : "";
    url.password = "";
  }
  for (const key of [...url.searchParams.keys()]) url.searchParams.set(key, "***");
  return url.toString().replace(/%2A%2A%2A/g, "***");
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_CONNECT_TIMEOUT: "connect timed out",
  UND_ERR_SOCKET: "connection closed",
  SQLITE_CANTOPEN: "cannot open the database file",
};

/** The innermost cause of `err` in a few words: its network code if it has one, else its message. */
export function describeCause(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 8 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES[code]) return NETWORK_CODES[code];
    if (current instanceof Error && current.message) message = current.message;
    const errors = (current as { errors?: unknown }).errors;
    current = (current as { cause?: unknown }).cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return message.split("\n")[0];
}

/** `SETTING=<redacted value>: <cause>`. */
export const describeFailure = (setting: string, value: string, err: unknown): string =>
  `${setting}=${redactUrl(value)}: ${describeCause(err)}`;

/** A start-up failure caused by one setting's backend: its message is `describeFailure`'s one line. */
export class SettingError extends Error {
  override readonly name = "SettingError";
  constructor(
    readonly setting: string,
    value: string,
    cause: unknown,
  ) {
    super(describeFailure(setting, value, cause), { cause });
  }
}
