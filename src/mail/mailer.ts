/** One email, already rendered: a plain-text body and an HTML one saying the same. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * The outgoing-mail port. `send` throws when the message could not be handed to the mail server (the job that called
 * it retries later); `on` is false for the adapter that sends nothing, so callers can skip queueing mail at all.
 */
export interface Mailer {
  readonly on: boolean;
  send(message: MailMessage): Promise<void>;
  close(): void;
}
