// The sender's half of the Submission API and the receiver's reads: announce a submission with its attachment
// ids, upload each attachment as a JWE, submit metadata and data; list and fetch what was submitted.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from './context';
import { authenticationTags } from './events';
import { HttpProblem, conflict, forbidden, notFound, page, parseJson, readBody, sendJson, unprocessable } from './http';
import { checkCallback } from './callback-url';
import { checkJweHeader, isCompactJwe } from './jose';
import type { SubmissionState } from './state';
import { CALLBACK_NEW_SUBMISSIONS, EVENTS, JSON_CTY } from './vocabulary';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function createSubmission(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const client = ctx.auth.requireRole(req, 'sender');
  const body = parseJson(await readBody(req));
  const destinationId = String(body.destinationId ?? '');
  const destination = ctx.state.destinationOf(destinationId);
  if (destination.status !== 'active') throw unprocessable(`destination is ${destination.status}`);
  const announced = body.announcedAttachments ?? [];
  if (!Array.isArray(announced) || announced.some((a) => typeof a !== 'string' || !UUID.test(a))) {
    throw unprocessable('announcedAttachments must be UUIDs');
  }
  if (new Set(announced).size !== announced.length) throw unprocessable('announcedAttachments not unique');
  const serviceType = body.serviceType as { identifier?: unknown; name?: unknown } | undefined;
  if (typeof serviceType?.identifier !== 'string') throw unprocessable('serviceType.identifier missing');
  if (!destination.services.some((s) => s.identifier === serviceType.identifier)) {
    throw unprocessable(`service ${serviceType.identifier} not offered`);
  }
  const callback = body.callback ? checkCallback(body.callback as { url?: unknown; secret?: unknown }) : undefined;
  const submission: SubmissionState = {
    submissionId: randomUUID(),
    caseId: randomUUID(),
    destinationId,
    senderClientId: client.clientId,
    serviceType: {
      identifier: serviceType.identifier,
      ...(typeof serviceType.name === 'string' ? { name: serviceType.name } : {}),
    },
    announcedAttachments: announced as string[],
    attachments: new Map(),
    uploadCounts: new Map(),
    status: 'incomplete',
    createdAt: ctx.now(),
    reminded: false,
    ...(callback ? { callback } : {}),
  };
  ctx.state.submissions.set(submission.submissionId, submission);
  ctx.state.cases.set(submission.caseId, []);
  await ctx.events.service(submission, EVENTS.create, {}, 'sender');
  sendJson(res, 201, { destinationId, submissionId: submission.submissionId, caseId: submission.caseId });
}

/** The receiver's inbox: what is submitted and not yet picked up by an accept or reject. */
export function listSubmissions(ctx: Context, req: IncomingMessage, res: ServerResponse, query: URLSearchParams) {
  ctx.auth.requireRole(req, 'subscriber');
  const destinationId = query.get('destinationId');
  const { offset, limit } = page(query, 100);
  const ready = [...ctx.state.submissions.values()].filter(
    (s) => s.status === 'submitted' && (!destinationId || s.destinationId === destinationId),
  );
  const shown = ready.slice(offset, offset + limit);
  sendJson(res, 200, {
    count: shown.length,
    offset,
    totalCount: ready.length,
    submissions: shown.map((s) => ({ destinationId: s.destinationId, submissionId: s.submissionId, caseId: s.caseId })),
  });
}

export async function submitSubmission(ctx: Context, req: IncomingMessage, res: ServerResponse, id: string) {
  const client = ctx.auth.requireRole(req, 'sender');
  const submission = ctx.state.submissionOf(id);
  if (submission.senderClientId !== client.clientId) throw forbidden();
  const body = parseJson(await readBody(req));
  if (submission.status !== 'incomplete') throw conflict(`submission is ${submission.status}`);
  const missing = submission.announcedAttachments.filter((a) => !submission.attachments.has(a));
  if (missing.length > 0) throw unprocessable(`attachments not uploaded: ${missing.join(', ')}`);
  if (!isCompactJwe(body.encryptedMetadata)) throw unprocessable('encryptedMetadata must be a compact JWE');
  if (body.encryptedData !== undefined && !isCompactJwe(body.encryptedData)) {
    throw unprocessable('encryptedData must be a compact JWE');
  }
  const destination = ctx.state.destinationOf(submission.destinationId);
  checkJweHeader(body.encryptedMetadata, destination.encryption.kid, JSON_CTY);
  if (typeof body.encryptedData === 'string') checkJweHeader(body.encryptedData, destination.encryption.kid, JSON_CTY);
  submission.encryptedMetadata = body.encryptedMetadata;
  if (typeof body.encryptedData === 'string') submission.encryptedData = body.encryptedData;
  submission.status = 'submitted';
  submission.submittedAt = ctx.now();
  const tags = authenticationTags(submission);
  await ctx.events.service(submission, EVENTS.submit, { authenticationTags: tags }, 'sender');
  if (destination.callback) {
    const entry = { destinationId: submission.destinationId, submissionId: id, caseId: submission.caseId };
    const payload = { type: CALLBACK_NEW_SUBMISSIONS, submissionIds: [id], submissions: [entry] };
    // Once the receiver has heard of it, the log says so (and the sender is told: not its own change).
    ctx.callbacks.send(destination.callback, payload, () =>
      ctx.events.service(submission, EVENTS.notify, {}, 'service'),
    );
  }
  sendJson(res, 202, { destinationId: submission.destinationId, submissionId: id, caseId: submission.caseId });
}

/** The sender sees what it announced and uploaded; the receiver gets the encrypted content (and has picked up). */
export function getSubmission(ctx: Context, req: IncomingMessage, res: ServerResponse, id: string): void {
  const client = ctx.auth.authenticate(req);
  const submission = ctx.state.submissionOf(id);
  const ids = { destinationId: submission.destinationId, submissionId: id, caseId: submission.caseId };
  if (client.role === 'sender') {
    if (submission.senderClientId !== client.clientId) throw forbidden();
    sendJson(res, 200, {
      ...ids,
      serviceType: submission.serviceType,
      announcedAttachments: submission.announcedAttachments,
      attachments: [...submission.attachments.keys()],
    });
    return;
  }
  if (submission.status === 'incomplete') throw notFound('submission not submitted');
  if (submission.deletedAt !== undefined) throw notFound('submission deleted');
  submission.pickedUpAt ??= ctx.now();
  sendJson(res, 200, {
    ...ids,
    serviceType: submission.serviceType,
    attachments: submission.announcedAttachments,
    encryptedMetadata: submission.encryptedMetadata,
    ...(submission.encryptedData ? { encryptedData: submission.encryptedData } : {}),
  });
}

export async function putAttachment(ctx: Context, req: IncomingMessage, res: ServerResponse, id: string, att: string) {
  const submission = ctx.state.submissionOf(id);
  const client = ctx.auth.requireRole(req, 'sender');
  if (submission.senderClientId !== client.clientId) throw forbidden();
  const body = (await readBody(req)).toString('utf8').trim();
  if (submission.status !== 'incomplete') throw conflict(`submission is ${submission.status}`);
  if (!submission.announcedAttachments.includes(att)) throw unprocessable(`attachment ${att} was not announced`);
  if (!(req.headers['content-type'] ?? '').startsWith('application/jose')) {
    throw new HttpProblem(415, 'Unsupported Media Type', 'expected application/jose');
  }
  if (!isCompactJwe(body)) throw unprocessable('not a compact JWE');
  checkJweHeader(body, ctx.state.destinationOf(submission.destinationId).encryption.kid);
  submission.attachments.set(att, body);
  submission.uploadCounts.set(att, (submission.uploadCounts.get(att) ?? 0) + 1);
  res.writeHead(204).end();
}

export function getAttachment(ctx: Context, req: IncomingMessage, res: ServerResponse, id: string, att: string) {
  const submission = ctx.state.submissionOf(id);
  ctx.auth.requireRole(req, 'subscriber');
  const jwe = submission.status === 'incomplete' ? undefined : submission.attachments.get(att);
  if (!jwe) throw notFound(`attachment ${att} unknown`);
  res.writeHead(200, { 'content-type': 'application/jose', 'content-length': Buffer.byteLength(jwe) });
  res.end(jwe);
}
