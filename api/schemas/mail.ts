// A mail as the loopback mail server of a development setup received it (text part only).
import { z } from '@hono/zod-openapi';
import { timestampSchema } from './shared';

export const mailSchema = z
  .object({
    id: z.string(),
    receivedAt: timestampSchema,
    envelopeFrom: z.string(),
    envelopeTo: z.array(z.string()),
    messageId: z.string().optional(),
    subject: z.string(),
    /** the From and To headers as written */
    from: z.string(),
    to: z.string(),
    text: z.string(),
    attachments: z.array(
      z.object({ filename: z.string().optional(), contentType: z.string(), size: z.number().int() }),
    ),
  })
  .openapi('Mail');

export const mailListSchema = z.object({ items: z.array(mailSchema) });

export type MailView = z.infer<typeof mailSchema>;
