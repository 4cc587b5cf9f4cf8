// The error format of every answer that is not a success (RFC 9457), as the document and clients see it.
import { z } from '@hono/zod-openapi';

export const invalidParamSchema = z.object({ name: z.string(), reason: z.string() });

export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    /** the domain's refusal code, e.g. wrong-role, wrong-phase, exists */
    code: z.string().optional(),
    /** one entry per invalid field, with a German reason */
    invalidParams: z.array(invalidParamSchema).optional(),
  })
  .openapi('Problem');

export type Problem = z.infer<typeof problemSchema>;
