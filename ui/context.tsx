// What every page gets: the dependencies, the in-process API client, and how to render inside the layout.
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiDeps } from '../api/deps';
import type { ApiClient } from './api-client';
import { Layout, type Frame } from './layout';
import type { UiContext } from './session';

export interface Ui {
  deps: ApiDeps;
  api: ApiClient;
}

export function frameOf(ui: Ui, c: UiContext): Frame {
  return { user: c.get('user'), csrf: c.get('csrf'), path: c.req.path, mailView: Boolean(ui.deps.mailViewUrl) };
}

export async function render(
  ui: Ui,
  c: UiContext,
  title: string,
  body: (frame: Frame) => Child,
  status: ContentfulStatusCode = 200,
) {
  const frame = frameOf(ui, c);
  const page = await (
    <Layout frame={frame} title={title}>
      {body(frame)}
    </Layout>
  ).toString();
  return c.html(`<!DOCTYPE html>${page}`, status);
}
