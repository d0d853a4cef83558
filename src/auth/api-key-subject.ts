/**
 * Who an API key's recommender traffic is about (issue 17, finding 7). A key acts for an application, never
 * as its owner's own browsing: its events and feeds belong to the end users and sessions the application
 * names, in the application's own namespace, and never to the owner's history, feed or feedback.
 *
 * The namespace is the key owner's account (all keys of one account are one application, so a rotated key
 * keeps its end users). A named subject becomes an internal session id `key.<ownerId>.<kind>.<id>`: the dots
 * are outside the alphabet of browser session ids (SESSION_ID), so no cookie or x-session-id header can ever
 * reach an application's end user, and two applications naming the same id never meet.
 */

/** Header naming the application's end user (an opaque, stable id the application chooses; never an email). */
export const END_USER_HEADER = "x-end-user-id";
/** 1-128 characters of A-Z a-z 0-9 _ - (the same alphabet as session ids, longer). */
export const END_USER_ID = /^[A-Za-z0-9_-]{1,128}$/;

export type KeySubjectKind = "end_user" | "session";

/** The internal session id of one application's end user or session. */
export const keySubjectId = (ownerId: string, kind: KeySubjectKind, id: string): string =>
  `key.${ownerId}.${kind === "end_user" ? "u" : "s"}.${id}`;

/** What an API key request named: an end user (wins) or a session, already namespaced; null if neither. */
export function namedKeySubject(ownerId: string, named: { endUserId?: string | null; sessionId?: string | null }) {
  if (named.endUserId) return keySubjectId(ownerId, "end_user", named.endUserId);
  if (named.sessionId) return keySubjectId(ownerId, "session", named.sessionId);
  return null;
}
