// The authority's side, played by the simulator for tests: it holds each destination's private keys, so it can
// decrypt what was sent and sign forward, accept and reject like a real receiver.
import { compactDecrypt } from 'jose';
import { authenticationTags, type EventLog } from './events';
import { conflict } from './http';
import type { FitConnectState } from './state';
import type { DecryptedSubmission, SimProblem } from './types';
import { EVENTS } from './vocabulary';

export class Authority {
  constructor(
    private readonly state: FitConnectState,
    private readonly events: EventLog,
  ) {}

  async decrypt(submissionId: string): Promise<DecryptedSubmission> {
    const submission = this.state.submissionOf(submissionId);
    if (!submission.encryptedMetadata) throw conflict('submission not submitted yet');
    const key = this.state.destinationOf(submission.destinationId).encryption.privateKey;
    const decrypt = async (jwe: string) => (await compactDecrypt(jwe, key)).plaintext;
    const text = async (jwe: string) => new TextDecoder().decode(await decrypt(jwe));
    const attachments: Record<string, Uint8Array> = {};
    for (const [id, jwe] of submission.attachments) attachments[id] = await decrypt(jwe);
    return {
      submissionId,
      caseId: submission.caseId,
      destinationId: submission.destinationId,
      status: submission.status,
      metadata: JSON.parse(await text(submission.encryptedMetadata)) as Record<string, unknown>,
      data: submission.encryptedData ? await text(submission.encryptedData) : '',
      attachments,
    };
  }

  accept(submissionId: string): Promise<void> {
    const tags = authenticationTags(this.state.submissionOf(submissionId));
    return this.events.authority(submissionId, EVENTS.accept, { authenticationTags: tags });
  }

  reject(submissionId: string, problems: SimProblem[]): Promise<void> {
    return this.events.authority(submissionId, EVENTS.reject, { problems });
  }

  forward(submissionId: string): Promise<void> {
    return this.events.authority(submissionId, EVENTS.forward, {});
  }
}
