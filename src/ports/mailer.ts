/** One outgoing mail: plain text is enough for account notices. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** What kind of notice this is, for tests and logs (never parsed from `text`). */
  kind: "welcome" | "sign_up_existing_account" | "password_reset";
}

/**
 * Sends account mail. Minimal port, added for sign-up without account enumeration (issue 17): the owner of an
 * address learns of a sign-up attempt by mail, the HTTP answer is the same for new and taken addresses.
 */
export interface Mailer {
  send(mail: Mail): Promise<void>;
  /**
   * Development outboxes only: what was "sent", newest last (the storefront's /dev/outbox page on the embedded
   * default). A real mail adapter has none.
   */
  readonly outbox?: readonly (Mail & { at: number })[];
}
