// What every API request carries through its middleware.
import type { RouteConfig } from '@hono/zod-openapi';
import type { RequestIdVariables } from 'hono/request-id';
import type { AuthVariables } from './auth';

export type RouteRequest = NonNullable<RouteConfig['request']>;

export type AppEnv = { Variables: AuthVariables & RequestIdVariables };
