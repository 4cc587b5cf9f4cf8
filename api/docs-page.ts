// A self-contained API docs page rendered from the OpenAPI document (no CDN: it must work offline too).
import { html, raw } from 'hono/html';

interface Doc {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, { summary: string; tags: string[]; 'x-roles'?: string[]; security?: unknown[];
    requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, unknown> }>>;
}

export function docsPage(doc: Doc) {
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );
  const tags = [...new Set(ops.map((o) => o.op.tags[0] ?? 'Allgemein'))];
  return html`<!doctype html>
    <html lang="de">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${doc.info.title} – API-Dokumentation</title>
        <style>
          body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1.5rem; color: #1a1a1a; line-height: 1.5; }
          code, pre { font-family: ui-monospace, monospace; }
          .op { border: 1px solid #bbb; border-radius: .3rem; margin: .8rem 0; padding: .6rem .8rem; }
          .method { font-weight: 700; text-transform: uppercase; display: inline-block; min-width: 4.5rem; }
          .roles { color: #3d3d3d; font-size: .9rem; }
          pre { background: #f4f4f4; padding: .6rem; overflow-x: auto; font-size: .85rem; }
          a { color: #0b4f9c; }
        </style>
      </head>
      <body>
        <header>
          <h1>${doc.info.title} <small>v${doc.info.version}</small></h1>
          <p>${doc.info.description ?? ''} Maschinenlesbar: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).
            Fehler haben immer das Format <code>application/problem+json</code>. Anmeldung: <code>Authorization: Bearer &lt;token&gt;</code>
            (Entwicklung: <code>npm run tokens</code>).</p>
        </header>
        <main>
          ${tags.map(
            (tag) => html`<section>
              <h2>${tag}</h2>
              ${ops
                .filter((o) => (o.op.tags[0] ?? 'Allgemein') === tag)
                .map(
                  ({ path, method, op }) => html`<div class="op">
                    <div><span class="method">${method}</span> <code>${path}</code></div>
                    <div>${op.summary}</div>
                    <div class="roles">${op.security && op.security.length === 0 ? 'öffentlich' : `Rollen: ${(op['x-roles'] ?? []).join(', ')}`}</div>
                    ${op.requestBody
                      ? html`<details><summary>Request-Body</summary><pre>${raw(escapeHtml(JSON.stringify(op.requestBody.content['application/json']?.schema, null, 2)))}</pre></details>`
                      : ''}
                    <details><summary>Antworten: ${Object.keys(op.responses).join(', ')}</summary><pre>${raw(escapeHtml(JSON.stringify(op.responses, null, 2)))}</pre></details>
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
