// An Antrag package with hostile form data and binary attachments, and helpers for the delivery tests: the
// Transferverzeichnis tests here and the FIT-Connect tests against the simulator (test/delivery.test.ts).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { DeliveryError, type AntragPackage } from '../../integrations/transfer/types';

export function pdfBytes(label: string): Uint8Array {
  return new Uint8Array(
    Buffer.concat([Buffer.from(`%PDF-1.7\n% ${label}\n`), randomBytes(2048), Buffer.from('\n%%EOF\n')]),
  );
}

export const allByteValues = new Uint8Array(Array.from({ length: 512 }, (_, i) => i % 256));

export const hostileFormData: Record<string, unknown> = {
  antragsteller: {
    name: 'Müller & Söhne <GmbH> "Gänsefüßchen" \'einfach\'',
    bemerkung: 'Zeile 1\r\nZeile 2\rZeile 3\n\tmit Tab  und  Leerzeichen ',
    emoji: '👩‍💻 🇩🇪 😀 €',
    steuerzeichen: 'Glocke\u0007NUL\u0000Escape\u001b Ende',
    cdata: ']]> <![CDATA[ nicht schließen',
    entitaeten: '&amp; &lt; &#x41; &nbsp; &unknown;',
  },
  kinder: [
    { name: 'Anna', alter: 5, geimpft: true },
    { name: 'Ben </feld>', alter: 7.5, geimpft: false },
  ],
  flags: [true, false, null, 'x', 0],
  leer: '',
  zahl: -0.5,
  nichts: null,
  'schlüssel mit <&> "zeichen"': 'wert',
  'steuer\u0001schlüssel': 'auch das',
  verschachtelt: { tief: { tiefer: [[1, 2], []] } },
};

export function makePackage(vorgangsnummer: string, overrides: Partial<AntragPackage> = {}): AntragPackage {
  return {
    vorgangsnummer,
    onlinedienstId: 'od-schulanmeldung',
    mandantId: 'mandant-dresden',
    leistungId: '99123456760000',
    submittedAt: '2025-03-01T09:30:00.000Z',
    formData: hostileFormData,
    pdf: pdfBytes(vorgangsnummer),
    attachments: [
      { id: 'a1', fileName: 'Geburtsurkunde.pdf', mediaType: 'application/pdf', content: pdfBytes('urkunde') },
      { id: 'a2', fileName: 'foto.JPG', mediaType: 'image/jpeg', content: new Uint8Array(randomBytes(100_000)) },
      { id: 'a3', fileName: 'bytes.bin', mediaType: 'application/octet-stream', content: allByteValues },
    ],
    ...overrides,
  };
}

export async function tempTransferDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'amt24-transfer-'));
}

export function sha256(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

export async function expectDeliveryError(
  promise: Promise<unknown>,
  code: string,
  retryable: boolean,
): Promise<DeliveryError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  expect((err as DeliveryError).code).toBe(code);
  expect((err as DeliveryError).retryable).toBe(retryable);
  return err as DeliveryError;
}
