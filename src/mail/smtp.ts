import nodemailer, { type Transporter } from "nodemailer";
import type { Mailer, MailMessage } from "./mailer.js";

/** Sends through the SMTP server `SMTP_URL` names (smtp:// with STARTTLS when offered, smtps:// for implicit TLS). */
export class SmtpMailer implements Mailer {
  readonly on = true;
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    // Bounded waits: a mail server that hangs fails the send (retried later) instead of holding a worker and shutdown.
    this.transport = nodemailer.createTransport({
      url,
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    } as Parameters<typeof nodemailer.createTransport>[0]);
  }

  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
    });
  }

  close(): void {
    this.transport.close();
  }
}
