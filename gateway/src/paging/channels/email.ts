// Email over SMTP through nodemailer (issue 15): the alarm and hazard messages, and the scheduled
// reports with their files attached. A 4xx reply or a network failure is worth another attempt; a
// 5xx reply (mailbox unknown, refused) is not.
import nodemailer, { type Transporter } from 'nodemailer';
import type { EmailConfig, Person } from '../paging-config.ts';
import { causeOf, type Channel, type Message, type SendOutcome } from './channel.ts';

export interface Attachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export class EmailChannel implements Channel {
  readonly name = 'email' as const;
  private readonly transport: Transporter;

  constructor(private readonly c: EmailConfig) {
    this.transport = nodemailer.createTransport({
      host: c.host,
      port: c.port,
      secure: c.secure,
      auth: c.user ? { user: c.user, pass: c.pass ?? '' } : undefined,
      connectionTimeout: c.timeoutMs,
      greetingTimeout: c.timeoutMs,
      socketTimeout: c.timeoutMs,
    });
  }

  address(p: Person): string | undefined {
    return p.email;
  }

  send(m: Message): Promise<SendOutcome> {
    return this.mail([m.address], m.subject, m.text);
  }

  /** One message to several addresses, with files. */
  async mail(to: string[], subject: string, text: string, attachments: Attachment[] = []): Promise<SendOutcome> {
    try {
      await this.transport.sendMail({ from: this.c.from, to, subject, text, attachments });
      return { ok: true };
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      if (code !== undefined) return { ok: false, retry: code < 500, reason: `smtp ${code}: ${causeOf(err)}` };
      return { ok: false, retry: true, reason: `network: ${causeOf(err)}` };
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
