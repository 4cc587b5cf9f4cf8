// The logger's second line of defence: fields that name a secret are censored wherever they sit in a logged object.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../runtime/logger';

describe('logger', () => {
  it('censors tokens, e-mail addresses and parameter values by field name', () => {
    const lines: string[] = [];
    const log = createLogger(
      'test',
      'info',
      new Writable({
        write(chunk: Buffer, _e, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    log.info(
      {
        vorgangsnummer: 'A24-ABCDE-FGHIJ',
        statusToken: 'A24-ABCDE-FGHIJ.mac-0123456789',
        headers: { authorization: 'Bearer eyJhbGciOi.secret' },
        antrag: { antragsteller: { name: 'Anna', email: 'anna@example.org' } },
        parameter: [{ key: 'epayblPasswort', wert: 'geheim-4711' }],
      },
      'something',
    );
    const text = lines.join('');
    expect(JSON.parse(text)).toMatchObject({ vorgangsnummer: 'A24-ABCDE-FGHIJ', statusToken: '[redacted]' });
    for (const secret of ['mac-0123456789', 'eyJhbGciOi', 'anna@example.org', 'geheim-4711']) {
      expect(text).not.toContain(secret);
    }
  });
});
