// When is a Bescheid's mail "cannot go out electronically"? Only when a real SMTP server refuses the address for
// good (5xx); a temporary refusal (4xx) is retried like any outage. Checked against a real SMTP server on loopback.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dauerhaftAbgelehnt } from '../../activities/antrag/bescheid-post';
import { createMailer } from '../../runtime/mailer';

let server: SMTPServer;
let port = 0;
beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('weg@'))
        return callback(Object.assign(new Error('no such user'), { responseCode: 550 }));
      if (address.address.startsWith('voll@'))
        return callback(Object.assign(new Error('mailbox full, try later'), { responseCode: 452 }));
      callback();
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function fehlerBeim(to: string): Promise<unknown> {
  const mailer = createMailer(`smtp://127.0.0.1:${port}`, 'Amt24 <noreply@amt24.sachsen.de>');
  try {
    await mailer.send({ to, subject: 'Bescheid', text: 'x', messageId: `<${to}@test>` });
    return undefined;
  } catch (err) {
    return err;
  } finally {
    mailer.close();
  }
}

describe('dauerhaftAbgelehnt', () => {
  it('is true for a refused address, false for a temporary refusal and for a delivered mail', async () => {
    expect(dauerhaftAbgelehnt(await fehlerBeim('weg@example.org'))).toBe(true);
    const voruebergehend = await fehlerBeim('voll@example.org');
    expect(voruebergehend).toBeInstanceOf(Error);
    expect(dauerhaftAbgelehnt(voruebergehend)).toBe(false);
    expect(await fehlerBeim('anna@example.org')).toBeUndefined();
    expect(dauerhaftAbgelehnt(new Error('connect ECONNREFUSED'))).toBe(false);
  });
});
