// The FIT-Connect client against the FIT-Connect simulator, over real sockets on 127.0.0.1. The Transferverzeichnis
// tests and the callback HMAC need no server and live in test/unit/.
import { createHash } from 'node:crypto';
import { compactDecrypt, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIT_CONNECT_EVENTS,
  FitConnectSender,
  verifyCallback,
  type FitConnectTarget,
  type SubmissionRef,
} from '../integrations/fitconnect/client';
import { startFitConnectSimulator, type FitConnectSimulator } from '../simulators/fitconnect/server';
import { SCHEMA_URI, SERVICE, services, startCallbackReceiver, type CallbackReceiver } from './harness/fitconnect';
import { expectDeliveryError, hostileFormData, makePackage } from './unit/package-fixtures';

const DAY_MS = 86_400_000;

describe('FIT-Connect', () => {
  let sim: FitConnectSimulator;
  let destinationId: string;
  let receiver: CallbackReceiver;
  const destinationSecret = 'destination-callback-secret';
  const senderSecret = 'sender-callback-secret';
  let tokenRequests = 0;

  const newSender = (overrides: Partial<ConstructorParameters<typeof FitConnectSender>[0]> = {}) =>
    new FitConnectSender({
      tokenUrl: sim.tokenUrl,
      submissionApiUrl: sim.submissionApiUrl,
      clientId: sim.sender.clientId,
      clientSecret: sim.sender.clientSecret,
      requestTimeoutMs: 5_000,
      fetch: (input, init) => {
        if (String(input) === sim.tokenUrl) tokenRequests++;
        return fetch(input, init);
      },
      ...overrides,
    });
  const target = (): FitConnectTarget => ({
    destinationId,
    schemaUri: SCHEMA_URI,
    serviceIdentifier: SERVICE,
    serviceName: 'Schulanmeldung',
    replyChannel: { eMail: { address: 'antragsteller@example.org' } },
    paymentInformation: {
      transactionReference: 'KZ-4711',
      paymentMethod: 'GIROPAY',
      status: 'BOOKED',
      grossAmount: 25,
    },
    callback: { url: receiver.url, secret: senderSecret },
  });

  beforeAll(async () => {
    receiver = await startCallbackReceiver('/callbacks/fit-connect', 204); // never "told": no notify-submission
    sim = await startFitConnectSimulator({ maintenanceIntervalMs: 0, callbackRetryDelaysMs: [100] });
    const destination = await sim.createDestination({
      services,
      callback: { url: receiver.url, secret: destinationSecret },
    });
    destinationId = destination.destinationId;
  }, 120_000);

  afterAll(async () => {
    await sim?.close();
    await receiver?.close();
  });

  it('delivers end to end: the authority decrypts the same data, hashes match, it accepts, the log verifies', async () => {
    const pkg = makePackage('AMT24-2025-000100');
    tokenRequests = 0;
    const sender = newSender();
    const result = await sender.deliver(pkg, target());
    expect(result.mode).toBe('fitconnect');
    expect(result.alreadyDelivered).toBe(false);
    expect(result.reference).toBe(result.submissionId);
    expect(result.destinationId).toBe(destinationId);
    expect(sim.submissionStatus(result.submissionId)).toBe('submitted');

    // The authority, as a subscriber over HTTP: token, list, fetch, decrypt, check hashes.
    const tokenRes = await fetch(sim.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sim.subscriber.clientId,
        client_secret: sim.subscriber.clientSecret,
      }).toString(),
    });
    const { access_token: subscriberToken } = (await tokenRes.json()) as { access_token: string };
    const authz = { authorization: `Bearer ${subscriberToken}` };
    const list = (await (
      await fetch(`${sim.url}/v1/submissions?destinationId=${destinationId}`, { headers: authz })
    ).json()) as {
      submissions: { submissionId: string; caseId: string }[];
    };
    expect(list.submissions).toContainEqual({
      destinationId,
      submissionId: result.submissionId,
      caseId: result.caseId,
    });
    const submission = (await (
      await fetch(`${sim.url}/v1/submissions/${result.submissionId}`, { headers: authz })
    ).json()) as {
      encryptedMetadata: string;
      encryptedData: string;
      attachments: string[];
    };
    const keys = sim.destinationKeys(destinationId);
    const decrypt = async (jwe: string) => (await compactDecrypt(jwe, keys.decryptionKey)).plaintext;
    const metadata = JSON.parse(new TextDecoder().decode(await decrypt(submission.encryptedMetadata))) as {
      contentStructure: {
        data: { hash: { type: string; content: string }; submissionSchema: { schemaUri: string } };
        attachments: { attachmentId: string; filename: string; purpose: string; hash: { content: string } }[];
      };
      additionalReferenceInfo: { senderReference: string };
      paymentInformation: { transactionReference: string };
      replyChannel: { eMail: { address: string } };
    };
    const data = await decrypt(submission.encryptedData);
    expect(JSON.parse(new TextDecoder().decode(data))).toEqual(hostileFormData);
    expect(createHash('sha512').update(data).digest('hex')).toBe(metadata.contentStructure.data.hash.content);
    expect(metadata.contentStructure.data.submissionSchema.schemaUri).toBe(SCHEMA_URI);
    expect(metadata.additionalReferenceInfo.senderReference).toBe('AMT24-2025-000100');
    expect(metadata.paymentInformation.transactionReference).toBe('KZ-4711');
    expect(metadata.replyChannel.eMail.address).toBe('antragsteller@example.org');
    expect(metadata.contentStructure.attachments.map((a) => [a.filename, a.purpose])).toEqual([
      ['antrag.pdf', 'form'],
      ['Geburtsurkunde.pdf', 'attachment'],
      ['foto.jpg', 'attachment'],
      ['bytes.bin', 'attachment'],
    ]);
    expect(submission.attachments.sort()).toEqual(
      metadata.contentStructure.attachments.map((a) => a.attachmentId).sort(),
    );
    const expectedContent = [pkg.pdf, ...pkg.attachments.map((a) => a.content)];
    for (const [i, entry] of metadata.contentStructure.attachments.entries()) {
      const res = await fetch(`${sim.url}/v1/submissions/${result.submissionId}/attachments/${entry.attachmentId}`, {
        headers: authz,
      });
      expect(res.headers.get('content-type')).toBe('application/jose');
      const plain = await decrypt(await res.text());
      expect(createHash('sha512').update(plain).digest('hex')).toBe(entry.hash.content);
      expect(plain).toEqual(expectedContent[i]);
    }
    const viaControl = await sim.decryptSubmission(result.submissionId);
    expect(JSON.parse(viaControl.data)).toEqual(hostileFormData);

    // The authority accepts with an event signed by its own key.
    const accept = await new SignJWT({
      sub: `submission:${result.submissionId}`,
      txn: `case:${result.caseId}`,
      events: { [FIT_CONNECT_EVENTS.accept]: {} },
    })
      .setProtectedHeader({ alg: 'PS512', typ: 'secevent+jwt', kid: keys.signingKid })
      .setIssuer(destinationId)
      .setIssuedAt()
      .setJti(crypto.randomUUID())
      .sign(keys.signingKey);
    const posted = await fetch(`${sim.url}/v1/cases/${result.caseId}/events`, {
      method: 'POST',
      headers: { ...authz, 'content-type': 'application/jose' },
      body: accept,
    });
    expect(posted.status).toBe(204);
    expect(sim.submissionStatus(result.submissionId)).toBe('accepted');

    const status = await sender.getStatus(result);
    expect(status.status).toBe('accepted');
    expect(status.events.map((e) => e.name)).toEqual(['create-submission', 'submit-submission', 'accept-submission']);
    expect(status.events.map((e) => e.issuer)).toEqual([sim.submissionApiUrl, sim.submissionApiUrl, destinationId]);
    const submitEvent = status.events[1]!;
    expect(Object.keys(submitEvent.authenticationTags?.attachments as object).sort()).toEqual(
      submission.attachments.sort(),
    );
    expect(tokenRequests).toBe(1); // the token is reused for every call

    // A token signed by someone else is refused.
    const { privateKey: forgerKey } = await generateKeyPair('PS512', { modulusLength: 2048 });
    const forged = await new SignJWT({
      sub: `submission:${result.submissionId}`,
      txn: `case:${result.caseId}`,
      events: { [FIT_CONNECT_EVENTS.accept]: {} },
    })
      .setProtectedHeader({ alg: 'PS512', typ: 'secevent+jwt', kid: keys.signingKid })
      .setIssuer(destinationId)
      .setIssuedAt()
      .setJti(crypto.randomUUID())
      .sign(forgerKey);
    await expectDeliveryError(
      sender.verifyEventToken(forged, { caseId: result.caseId, destinationId }),
      'protocol-error',
      false,
    );
    const wrongCase = sender.verifyEventToken(sim.eventLog(result.caseId)[0]!, { caseId: crypto.randomUUID() });
    await expectDeliveryError(wrongCase, 'protocol-error', false);

    // Callbacks: the destination heard of the new submission, the sender of the new events; both verify.
    const announced = await receiver.waitFor(
      (r) => r.body.includes('new-submissions') && r.body.includes(result.submissionId),
    );
    expect(
      verifyCallback({
        body: announced.body,
        timestamp: announced.headers['callback-timestamp'] as string,
        authentication: announced.headers['callback-authentication'] as string,
        secret: destinationSecret,
      }),
    ).toEqual({ valid: true });
    const newEvents = await receiver.waitFor(
      (r) => r.body.includes('new-events') && r.body.includes(result.submissionId),
    );
    expect(
      verifyCallback({
        body: newEvents.body,
        timestamp: newEvents.headers['callback-timestamp'] as string,
        authentication: newEvents.headers['callback-authentication'] as string,
        secret: senderSecret,
      }),
    ).toEqual({ valid: true });
  });

  it('reports a rejection with its problems', async () => {
    const sender = newSender();
    const result = await sender.deliver(makePackage('AMT24-2025-000101'), target());
    await sim.rejectSubmission(result.submissionId, [
      {
        type: 'https://schema.fitko.de/fit-connect/events/problems/schema-violation',
        title: 'Fachdaten ungültig',
        detail: 'PLZ fehlt',
      },
    ]);
    const status = await sender.getStatus(result);
    expect(status.status).toBe('rejected');
    expect(status.problems).toEqual([
      {
        type: 'https://schema.fitko.de/fit-connect/events/problems/schema-violation',
        title: 'Fachdaten ungültig',
        detail: 'PLZ fehlt',
      },
    ]);
    expect(status.events.at(-1)!.issuer).toBe(destinationId);
  });

  it('refuses an inactive destination without retrying', async () => {
    const inactive = await sim.createDestination({ services, status: 'inactive' });
    const sender = newSender();
    await expectDeliveryError(
      sender.deliver(makePackage('AMT24-2025-000102'), { ...target(), destinationId: inactive.destinationId }),
      'destination-inactive',
      false,
    );
    expect(sim.listSubmissions(inactive.destinationId)).toEqual([]);

    // Switched off between lookup and creation: the service refuses, the client says why.
    sim.setDestinationStatus(inactive.destinationId, 'active');
    const prepared = await sender.prepare(makePackage('AMT24-2025-000103'), {
      ...target(),
      destinationId: inactive.destinationId,
    });
    sim.setDestinationStatus(inactive.destinationId, 'inactive');
    await expectDeliveryError(sender.createSubmission(prepared), 'destination-inactive', false);
    expect(sim.listSubmissions(inactive.destinationId)).toEqual([]);

    await expectDeliveryError(
      sender.deliver(makePackage('AMT24-2025-000104'), { ...target(), schemaUri: 'https://example.org/other.json' }),
      'not-accepted',
      false,
    );
  }, 60_000);

  it('treats an outage as retryable and delivers once the service is back', async () => {
    const sender = newSender({ requestTimeoutMs: 300 });
    const pkg = makePackage('AMT24-2025-000105');
    await sim.setOutage('refused');
    await expectDeliveryError(sender.deliver(pkg, target()), 'endpoint-unavailable', true);
    await sim.setOutage('unavailable');
    const unavailable = await expectDeliveryError(sender.deliver(pkg, target()), 'endpoint-unavailable', true);
    expect(unavailable.status).toBe(503);
    await sim.setOutage('none');
    sim.setLatency(1_000);
    await expectDeliveryError(sender.deliver(pkg, target()), 'endpoint-unavailable', true);
    sim.setLatency(0);
    const before = sim.listSubmissions(destinationId).length;
    const result = await sender.deliver(pkg, target());
    expect(sim.submissionStatus(result.submissionId)).toBe('submitted');
    expect(sim.listSubmissions(destinationId)).toHaveLength(before + 1);
    const decrypted = await sim.decryptSubmission(result.submissionId);
    expect(Object.values(decrypted.attachments)).toHaveLength(4);
  });

  it('resumes after a crash between create and submit, uploading only what is missing', async () => {
    const pkg = makePackage('AMT24-2025-000106');
    const crashed = newSender();
    const prepared = await crashed.prepare(pkg, target());
    const ref = await crashed.createSubmission(prepared);
    const firstId = prepared.attachments[0]!.attachmentId;
    await crashed.uploadAttachments(prepared, ref, [firstId]);
    expect(sim.submissionStatus(ref.submissionId)).toBe('incomplete');

    const restarted = newSender();
    const result = await restarted.resume(pkg, target(), ref);
    expect(result).toMatchObject({ alreadyDelivered: false, submissionId: ref.submissionId, caseId: ref.caseId });
    expect(sim.submissionStatus(ref.submissionId)).toBe('submitted');
    const counts = sim.uploadCounts(ref.submissionId);
    expect(Object.keys(counts)).toHaveLength(4);
    expect(Object.values(counts)).toEqual([1, 1, 1, 1]);
    const decrypted = await sim.decryptSubmission(ref.submissionId);
    expect(decrypted.attachments[firstId]).toEqual(pkg.pdf);
    expect(JSON.parse(decrypted.data)).toEqual(hostileFormData);

    const again = await restarted.resume(pkg, target(), ref);
    expect(again.alreadyDelivered).toBe(true);
    expect(sim.uploadCounts(ref.submissionId)).toEqual(counts);
    expect(sim.eventLog(ref.caseId)).toHaveLength(2);
  });

  it('continues from a persisted ref when the activity died right after creation', async () => {
    const pkg = makePackage('AMT24-2025-000107');
    let persisted: SubmissionRef | undefined;
    await expect(
      newSender().deliver(pkg, target(), {
        onCreated: (ref) => {
          persisted = ref;
          throw new Error('worker killed after persisting');
        },
      }),
    ).rejects.toThrow('worker killed');
    expect(sim.submissionStatus(persisted!.submissionId)).toBe('incomplete');
    const result = await newSender().deliverOrResume(pkg, target(), { existing: persisted! });
    expect(result.submissionId).toBe(persisted!.submissionId);
    expect(sim.submissionStatus(persisted!.submissionId)).toBe('submitted');
    expect(Object.values(sim.uploadCounts(persisted!.submissionId))).toEqual([1, 1, 1, 1]);
  });

  it('rejects what nobody picks up after 14 days, reminding after 3', async () => {
    const sender = newSender();
    const result = await sender.deliver(makePackage('AMT24-2025-000108'), target());
    await sim.runMaintenance(Date.now() + 3 * DAY_MS + 1_000);
    expect(sim.reminders.map((r) => r.submissionId)).toContain(result.submissionId);
    expect(sim.submissionStatus(result.submissionId)).toBe('submitted');
    await sim.runMaintenance(Date.now() + 14 * DAY_MS + 1_000);
    const status = await sender.getStatus(result);
    expect(status.status).toBe('rejected');
    expect(status.events.at(-1)!.issuer).toBe(sim.submissionApiUrl);
    expect(status.problems[0]!.title).toBe('Submission not picked up');
  });

  it('fails without retrying on bad credentials or a weak destination key', async () => {
    await expectDeliveryError(
      newSender({ clientSecret: 'wrong' }).deliver(makePackage('AMT24-2025-000109'), target()),
      'auth-failed',
      false,
    );
    const weak = await startFitConnectSimulator({ keyBits: 2048, maintenanceIntervalMs: 0 });
    try {
      const destination = await weak.createDestination({ services });
      const sender = new FitConnectSender({
        tokenUrl: weak.tokenUrl,
        submissionApiUrl: weak.submissionApiUrl,
        clientId: weak.sender.clientId,
        clientSecret: weak.sender.clientSecret,
      });
      await expectDeliveryError(
        sender.deliver(makePackage('AMT24-2025-000110'), { ...target(), destinationId: destination.destinationId }),
        'key-invalid',
        false,
      );
      expect(weak.listSubmissions()).toEqual([]);
    } finally {
      await weak.close();
    }
  });
});
