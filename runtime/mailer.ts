// Sends mail over SMTP (a real relay via SMTP_URL, or our loopback server).
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Stable Message-ID so that a retried send is recognisable as the same message. */
  messageId: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; content: Uint8Array; contentType: string }[];
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  verify(): Promise<void>;
  close(): void;
}

/**
 * Every mail the service sends is machine-made (RFC 3834): out-of-office replies and other auto-responders stay
 * silent instead of answering the noreply sender, and mail systems can tell it from a person's mail.
 */
export const AUTO_SUBMITTED = { 'Auto-Submitted': 'auto-generated' } as const;

export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        headers: { ...mail.headers, ...AUTO_SUBMITTED },
        attachments: mail.attachments?.map((a) => ({
          filename: a.filename,
          content: Buffer.from(a.content),
          contentType: a.contentType,
        })),
      });
      return { messageId: info.messageId };
    },
    async verify() {
      await transport.verify();
    },
    close() {
      transport.close();
    },
  };
}
