import type { Mailer } from "./mailer.js";
import { MailOff } from "./off.js";
import { SmtpMailer } from "./smtp.js";

/** The adapter the configuration names; says once, at start-up, when mail is off. */
export function createMailer(
  settings: { smtpUrl?: string; from?: string },
  log: { info(obj: object, msg: string): void },
): Mailer {
  if (!settings.smtpUrl || !settings.from) {
    log.info({ mail: "off" }, "mail is off: SMTP_URL is not set, so no emails will be sent");
    return new MailOff();
  }
  return new SmtpMailer(settings.smtpUrl, settings.from);
}
