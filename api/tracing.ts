// One server span per HTTP request while tracing is on (app/http.ts mounts it only then), named by the route
// pattern, never the path. The Temporal client's spans (start, signal, update, query) become its children.
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';

export function httpTracing(): MiddlewareHandler {
  const tracer = trace.getTracer('amt24-api');
  return (c, next) =>
    tracer.startActiveSpan(c.req.method, { kind: SpanKind.SERVER }, async (span) => {
      try {
        await next();
      } finally {
        const route = routePath(c, -1);
        span.updateName(`${c.req.method} ${route}`);
        span.setAttributes({
          'http.request.method': c.req.method,
          'http.route': route,
          'http.response.status_code': c.res.status,
        });
        if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
}
