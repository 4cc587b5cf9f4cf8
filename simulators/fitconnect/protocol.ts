// The Submission API's routes: destinations and their keys, submissions (submissions.ts), and the event logs
// a sender reads its outcome from and the authority posts its signed events to.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from './context';
import { forbidden, notFound, page, readBody, sendJson } from './http';
import { MAX_PAGE } from './limits';
import { publicDestination } from './state';
import {
  createSubmission,
  getAttachment,
  getSubmission,
  listSubmissions,
  putAttachment,
  submitSubmission,
} from './submissions';

/** The documented prefix is /v1; current clients report /v2 with the same shapes, so both are served. */
const API_VERSIONS = ['v1', 'v2'];

export async function handleApi(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  parts: string[],
  query: URLSearchParams,
): Promise<void> {
  const [version, resource, id, sub, subId] = parts;
  if (!version || !API_VERSIONS.includes(version)) throw notFound();

  if (resource === 'destinations' && id && parts.length === 3 && method === 'GET') {
    ctx.auth.authenticate(req);
    return sendJson(res, 200, publicDestination(ctx.state.destinationOf(id)));
  }
  if (resource === 'destinations' && id && sub === 'keys' && subId && parts.length === 5 && method === 'GET') {
    ctx.auth.authenticate(req);
    const destination = ctx.state.destinationOf(id);
    const key = [destination.encryption, destination.signing].find((k) => k.kid === subId);
    if (!key) throw notFound(`key ${subId} unknown`);
    return sendJson(res, 200, key.publicJwk);
  }

  if (resource === 'submissions' && !id && method === 'POST') return createSubmission(ctx, req, res);
  if (resource === 'submissions' && !id && method === 'GET') return listSubmissions(ctx, req, res, query);
  if (resource === 'submissions' && id && parts.length === 3) {
    if (method === 'PUT') return submitSubmission(ctx, req, res, id);
    if (method === 'GET') return getSubmission(ctx, req, res, id);
  }
  if (resource === 'submissions' && id && sub === 'attachments' && subId && parts.length === 5) {
    if (method === 'PUT') return putAttachment(ctx, req, res, id, subId);
    if (method === 'GET') return getAttachment(ctx, req, res, id, subId);
  }
  if (resource === 'submissions' && id && sub === 'events' && parts.length === 4 && method === 'GET') {
    return submissionEvents(ctx, req, res, id);
  }

  if (resource === 'cases' && id && sub === 'events' && parts.length === 4) {
    const client = ctx.auth.authenticate(req);
    const log = ctx.state.cases.get(id);
    if (!log) throw notFound(`case ${id} unknown`);
    if (method === 'GET') {
      const owner = ctx.state.submissionOfCase(id)!;
      if (client.role === 'sender' && owner.senderClientId !== client.clientId) throw forbidden();
      const { offset, limit } = page(query, MAX_PAGE);
      const eventLog = log.slice(offset, offset + limit);
      return sendJson(res, 200, { count: eventLog.length, offset, totalCount: log.length, eventLog });
    }
    if (method === 'POST') {
      if (client.role !== 'subscriber') throw forbidden('only the destination posts events');
      await ctx.events.recordDestinationEvent(id, (await readBody(req)).toString('utf8').trim());
      res.writeHead(204).end();
      return;
    }
  }

  throw notFound(`${method} /${parts.join('/')}`);
}

/** The case's events that name this submission. */
function submissionEvents(ctx: Context, req: IncomingMessage, res: ServerResponse, id: string): void {
  const client = ctx.auth.authenticate(req);
  const submission = ctx.state.submissionOf(id);
  if (client.role === 'sender' && submission.senderClientId !== client.clientId) throw forbidden();
  const tokensOfSubmission = (ctx.state.cases.get(submission.caseId) ?? []).filter((t) => {
    const payload = JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString('utf8')) as { sub?: string };
    return payload.sub === `submission:${id}`;
  });
  sendJson(res, 200, { eventLog: tokensOfSubmission });
}
