/** Argument checks and event (de)serialisation shared by SessionStore adapters. */
import {
  DEFAULT_SESSION_LIMITS,
  SESSION_EVENT_TYPES,
  SessionStoreError,
  type SessionAppend,
  type SessionEvent,
  type SessionStoreLimits,
} from "../../ports/session-store.js";

const MAX_KEY_LENGTH = 512;

export function resolveLimits(partial: Partial<SessionStoreLimits> | undefined): SessionStoreLimits {
  const limits = { ...DEFAULT_SESSION_LIMITS, ...partial };
  checkPositiveInt(limits.maxEvents, "maxEvents");
  checkPositiveInt(limits.ttlSeconds, "ttlSeconds");
  return limits;
}

export function checkPositiveInt(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new SessionStoreError("invalid_argument", `${name} must be a positive integer, got ${value}`);
  }
}

export function checkKey(key: string, name: string): void {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new SessionStoreError(
      "invalid_argument",
      `${name} must be a non-empty string of at most ${MAX_KEY_LENGTH} chars`,
    );
  }
}

export function checkEvent(event: SessionEvent): void {
  if (typeof event.itemId !== "string" || event.itemId.length === 0) {
    throw new SessionStoreError("invalid_argument", "event.itemId must be a non-empty string");
  }
  if (!SESSION_EVENT_TYPES.includes(event.type)) {
    throw new SessionStoreError(
      "invalid_argument",
      `event.type must be one of ${SESSION_EVENT_TYPES.join(", ")}, got ${String(event.type)}`,
    );
  }
  if (!Number.isFinite(event.ts)) {
    throw new SessionStoreError("invalid_argument", `event.ts must be a finite number (unix ms), got ${event.ts}`);
  }
}

export function checkBatch(batch: readonly SessionAppend[]): void {
  for (const { sessionId, events } of batch) {
    checkKey(sessionId, "sessionId");
    events.forEach(checkEvent);
  }
}

/** Requested read size clamped to the store bound; rejects non-positive limits. */
export function resolveReadLimit(limit: number | undefined, limits: SessionStoreLimits): number {
  if (limit === undefined) return limits.maxEvents;
  checkPositiveInt(limit, "limit");
  return Math.min(limit, limits.maxEvents);
}

/** Compact, explicit field order: the same bytes for the same event in every adapter. */
export function encodeEvent(event: SessionEvent): string {
  return JSON.stringify({ i: event.itemId, t: event.type, s: event.ts });
}

export function decodeEvent(raw: string): SessionEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new SessionStoreError("corrupt", `stored session event is not JSON: ${raw.slice(0, 80)}`, { cause });
  }
  if (typeof parsed === "object" && parsed !== null) {
    const { i, t, s } = parsed as Record<string, unknown>;
    if (
      typeof i === "string" &&
      typeof t === "string" &&
      typeof s === "number" &&
      SESSION_EVENT_TYPES.includes(t as SessionEvent["type"])
    ) {
      return { itemId: i, type: t as SessionEvent["type"], ts: s };
    }
  }
  throw new SessionStoreError("corrupt", `stored session event has an unexpected shape: ${raw.slice(0, 80)}`);
}
