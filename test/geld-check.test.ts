// The money check itself (test/harness/geld.ts), on a real stack: it sees a second claim for one Antrag and money
// kept on an Antrag that keeps none, from the simulator's own records; once those records are gone it is quiet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EpayblSoapClient } from '../integrations/epaybl/soap-client';
import { checkGeld } from './harness/geld';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';

let h: AntragStack;
beforeAll(async () => {
  h = await antragStack();
}, 120_000);
afterAll(() => h?.close());

describe('the money check', () => {
  it('fails an Antrag charged twice and one keeping money it must not', async () => {
    const akt = await h.aktivierung({ 'zustellung.modus': 'transfer-plain' }); // no fee: nothing may be kept
    const res = await h.submit({
      aktivierungId: akt,
      daten: anwohnerparken(),
      antragsteller: antragsteller(`${uniqueId('geld')}@example.org`),
    });
    const vn = res.body.vorgangsnummer as string;
    await h.zugestellt(vn);
    await h.waitFor('the workflow sees the delivery', async () =>
      (await h.sicht(vn)).zustellung.status === 'zugestellt' ? true : undefined,
    );
    const quellen = { name: 'probe', db: h.db, client: h.client, connection: h.connection, epayblUrl: h.epaybl.url };
    expect(await checkGeld(quellen)).toMatchObject({ checked: 1, inFlight: 0, violations: [] });

    // Someone charges this Antrag twice, under two Mandanten, and the money of one claim comes in.
    const epaybl = new EpayblSoapClient({ endpoint: h.epaybl.soapUrl, paypageUrl: h.epaybl.paypageUrl });
    const claims: string[] = [];
    for (const mandantNr of ['901', '902']) {
      await epaybl.anlegenKunde({ mandantNr, bewirtschafterNr: 'X', kunde: { eShopKundenNr: `${vn}-x` } });
      const kz = await epaybl.anlegenKassenzeichen({
        config: {
          mandantNr,
          bewirtschafterNr: 'X',
          haushaltsstelle: '1',
          kennzeichenMahnverfahren: '01',
          fristTage: 1,
          betragCent: 500,
          buchungstext: 'doppelt',
        },
        eShopKundenNr: `${vn}-x`,
        eShopTransaktionsNr: vn,
      });
      claims.push(kz.kassenzeichen);
    }
    h.epaybl.zahlung(claims[0]!, 500, 'UEBERWEISUNGNACH');
    const wrong = await checkGeld(quellen);
    expect(wrong.checked).toBe(1);
    expect(wrong.violations).toEqual([
      `${vn}: charged twice (${claims.join(', ')})`,
      expect.stringMatching(new RegExp(`^${vn}: delivered and accepted, kept 500 ct, must keep 0 ct`)),
    ]);

    // The simulator forgets both claims: nothing kept, nothing to report (and this file's own check passes).
    h.epaybl.reset();
    expect(await checkGeld(quellen)).toMatchObject({ checked: 1, violations: [] });
  }, 60_000);
});
