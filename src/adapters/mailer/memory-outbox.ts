import type { Mail, Mailer } from "../../ports/mailer";

/**
 * Development outbox: records mails in memory (newest last, bounded) instead of sending them. The default
 * until a real mail adapter is configured; tests read `sent` to see what a user would have received.
 */
export class MemoryOutbox implements Mailer {
  readonly sent: (Mail & { at: number })[] = [];
  constructor(private readonly max = 1000) {}

  async send(mail: Mail): Promise<void> {
    this.sent.push({ ...mail, at: Date.now() });
    if (this.sent.length > this.max) this.sent.splice(0, this.sent.length - this.max);
  }

  get outbox(): readonly (Mail & { at: number })[] {
    return this.sent;
  }

  to(address: string): (Mail & { at: number })[] {
    const a = address.toLowerCase();
    return this.sent.filter((m) => m.to.toLowerCase() === a);
  }
}
