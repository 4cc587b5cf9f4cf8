// A self-contained API docs page rendered from the OpenAPI document (no CDN: it must work offline too).
import { html, raw } from 'hono/html';

interface Operation {
  summary?: string;
  tags?: string[];
  'x-roles'?: string[];
  security?: unknown[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, unknown>;
}

interface Doc {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, object>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** The page's own policy: its one inline stylesheet, nothing else (the edge sets the other security headers). */
export const DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

export function docsPage(doc: Doc) {
  const ops = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, unknown>)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ path, method, op: op as Operation })),
  );
  const tagOf = (op: Operation) => op.tags?.[0] ?? 'Allgemein';
  const tags = [...new Set(ops.map((o) => tagOf(o.op)))];
  const json = (value: unknown) => raw(escapeHtml(JSON.stringify(value, null, 2)));
  return html`<!doctype html>
    <html lang="de">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${doc.info.title} – API-Dokumentation</title>
        <style>
          body {
            font-family: system-ui, sans-serif;
            margin: 0 auto;
            max-width: 60rem;
            padding: 1.5rem;
            color: #1a1a1a;
            line-height: 1.5;
          }
          code,
          pre {
            font-family: ui-monospace, monospace;
          }
          .op {
            border: 1px solid #bbb;
            border-radius: 0.3rem;
            margin: 0.8rem 0;
            padding: 0.6rem 0.8rem;
          }
          .method {
            font-weight: 700;
            text-transform: uppercase;
            display: inline-block;
            min-width: 4.5rem;
          }
          .roles {
            color: #3d3d3d;
            font-size: 0.9rem;
          }
          pre {
            background: #f4f4f4;
            padding: 0.6rem;
            overflow-x: auto;
            font-size: 0.85rem;
          }
          a {
            color: #0b4f9c;
          }
        </style>
      </head>
      <body>
        <header>
          <h1>${doc.info.title} <small>v${doc.info.version}</small></h1>
          <p>
            ${doc.info.description ?? ''} Maschinenlesbar: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).
            Fehler haben immer das Format <code>application/problem+json</code>. Anmeldung:
            <code>Authorization: Bearer &lt;token&gt;</code> (Entwicklung: <code>npm run tokens</code>).
          </p>
        </header>
        <main>
          ${tags.map(
            (tag) =>
              html`<section>
                <h2>${tag}</h2>
                ${ops
                  .filter((o) => tagOf(o.op) === tag)
                  .map(
                    ({ path, method, op }) =>
                      html`<div class="op">
                        <div><span class="method">${method}</span> <code>${path}</code></div>
                        <div>${op.summary ?? ''}</div>
                        <div class="roles">
                          ${op.security && op.security.length === 0 ? 'öffentlich' : `Rollen: ${(op['x-roles'] ?? []).join(', ')}`}
                        </div>
                        ${Object.entries(op.requestBody?.content ?? {}).map(
                          ([type, media]) =>
                            html`<details>
                              <summary>Request-Body (${type})</summary>
                              <pre>${json(media.schema)}</pre>
                            </details>`,
                        )}
                        <details>
                          <summary>Antworten: ${Object.keys(op.responses ?? {}).join(', ')}</summary>
                          <pre>${json(op.responses)}</pre>
                        </details>
                      </div>`,
                  )}
              </section>`,
          )}
        </main>
      </body>
    </html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
