// Pieces several answers share.
import { z } from '@hono/zod-openapi';
import { roles } from '../auth';

/** A domain instant: milliseconds since 1970 (the workflows' scaled clock in tests). */
export const instantSchema = z.number().openapi({ description: 'milliseconds since 1970-01-01T00:00:00Z' });

/** A database timestamp as JSON carries it. */
export const timestampSchema = z.string().openapi({ format: 'date-time' });

export const domainClockSchema = z.object({
  /** domain milliseconds per real millisecond (1 in production) */
  scale: z.number(),
  originReal: instantSchema,
  originVirtual: instantSchema,
});

export const prozessRefSchema = z.object({ name: z.string(), version: z.string() });

export const actorSchema = z.object({
  id: z.string(),
  roles: z.array(z.enum(roles)),
  mandanten: z.array(z.string()),
});

export const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });

/** A link to the workflow in the Temporal Web UI; absent for a remote cluster. */
export const temporalUiUrlSchema = z.string().optional();

/** Anything JSON: values the client shows as they are (form data, audit details, file metadata). */
export const jsonObjectSchema = z.record(z.string(), z.unknown());
