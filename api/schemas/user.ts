// The signed-in user as the API shows it.
import { z } from '@hono/zod-openapi';
import { roles } from '../auth';

export const userSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    roles: z.array(z.enum(roles)),
    /** Mandanten the user acts for; ['*'] for cross-Mandant roles (AWB, Projektleitung) */
    mandanten: z.array(z.string()),
  })
  .openapi('User');
