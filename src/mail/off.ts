import type { Mailer, MailMessage } from "./mailer.js";

/** No SMTP server configured: nothing is queued or sent, and everything else works. */
export class MailOff implements Mailer {
  readonly on = false;
  async send(_message: MailMessage): Promise<void> {}
  close(): void {}
}
