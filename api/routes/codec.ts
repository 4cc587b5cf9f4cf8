// The codec endpoint for the Temporal Web UI and CLI ("Codec Server" protocol): they POST the payloads of a history
// as protobuf JSON to …/decode (and …/encode, to send input from the UI) and show what comes back. Workflow payloads
// are encrypted (runtime/payload-codec.ts), so this is how an authorised person reads a history: the AWB only.
import { z } from '@hono/zod-openapi';
import { ValueError, type Payload } from '@temporalio/common';
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { ApiDeps } from '../deps';
import { badRequest, HttpProblem } from '../problem';
import { apiRoute, json, jsonBody, router, type AppEnv } from '../route';

// Proto JSON writes bytes as base64; parsers accept the URL-safe alphabet too.
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'base64');
const payloadJson = z
  .object({
    metadata: z.record(z.string(), base64).nullish(),
    data: base64.nullish(),
  })
  .openapi('CodecPayload', { description: 'temporal.api.common.v1.Payload in protobuf JSON' });
const payloadsJson = z
  .object({ payloads: z.array(payloadJson).max(10_000) })
  .openapi('CodecPayloads', { description: 'temporal.api.common.v1.Payloads in protobuf JSON' });

const request = {
  headers: z.object({ 'x-namespace': z.string().optional() }),
  body: jsonBody(payloadsJson),
};

const route = (path: '/decode' | '/encode', summary: string) =>
  apiRoute({
    method: 'post',
    path,
    tag: 'Betrieb',
    roles: ['awb'],
    summary,
    request,
    responses: { 200: json(payloadsJson, 'the payloads, in the same order') },
    problems: [422, 503],
    maxBodyBytes: 8 * 1024 * 1024,
  });

export const decodeRoute = route('/decode', 'Decrypts payloads of a workflow history (Temporal Web UI codec endpoint)');
export const encodeRoute = route('/encode', 'Encrypts payloads the Temporal Web UI sends (codec endpoint)');

/**
 * CORS for the Temporal Web UI's origin, ahead of the bearer check so refusals carry it too (the UI shows them).
 * The UI sends its requests with Content-Type, X-Namespace and, when told to pass the access token, Authorization.
 */
export function codecCors(deps: Pick<ApiDeps, 'temporalUiUrl'>): MiddlewareHandler<AppEnv> {
  const origin = deps.temporalUiUrl ? new URL(deps.temporalUiUrl).origin : undefined;
  if (!origin) return async (_c, next) => next();
  return cors({
    origin,
    allowMethods: ['POST'],
    allowHeaders: ['content-type', 'x-namespace', 'authorization'],
    maxAge: 600,
  });
}

const fromJson = (p: z.infer<typeof payloadJson>): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const toJson = (p: Payload): z.infer<typeof payloadJson> => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
  data: b64(p.data ?? new Uint8Array()),
});

export function codecRoutes(deps: ApiDeps) {
  const app = router();
  for (const [declaration, direction] of [
    [decodeRoute, 'decode'],
    [encodeRoute, 'encode'],
  ] as const) {
    app.openapi(declaration, async (c) => {
      // The CLI sends the header empty unless --namespace is given.
      const namespace = c.req.valid('header')['x-namespace'];
      if (namespace && namespace !== deps.namespace) {
        throw badRequest(
          [{ name: 'x-namespace', reason: `Dieser Dienst ver- und entschlüsselt nur den Namespace ${deps.namespace}` }],
          'header',
        );
      }
      const codec = deps.payloadCodec;
      if (!codec) throw new HttpProblem(503, 'Nicht verfügbar', 'Kein Payload-Schlüssel konfiguriert');
      const payloads = c.req.valid('json').payloads.map(fromJson);
      try {
        const result = direction === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads);
        return c.json({ payloads: result.map(toJson) }, 200);
      } catch (err) {
        if (!(err instanceof ValueError)) throw err;
        throw new HttpProblem(422, 'Nicht entschlüsselbar', `payloads: nicht zu verarbeiten (${err.message})`);
      }
    });
  }
  return app;
}
