// One look at a booked Kassenzeichen: has money come in beyond the fee (a citizen paying twice, a late bank
// transfer)? A short read at the workflow's timers instead of a poll holding a worker slot for the whole retention.
// An unreadable Kassenzeichen is no failure here: the workflow looks again at its next point.
import type { ActivityDeps } from '../deps';
import { required } from '../deps';
import { EpayblError } from '../../integrations/epaybl/types';

export interface NachzahlungsStand {
  gelesen: boolean;
  /** what is still owed; negative when more came in than the fee */
  saldoCent?: number;
  paidCent?: number;
}

export async function nachzahlungPruefen(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; mandantNr: string; kassenzeichen: string },
): Promise<NachzahlungsStand> {
  try {
    const info = await required(deps, 'epaybl').lesenKassenzeichenInfo({
      mandantNr: input.mandantNr,
      kassenzeichen: input.kassenzeichen,
    });
    return { gelesen: true, saldoCent: info.saldoCent, paidCent: info.paidCent };
  } catch (err) {
    if (!(err instanceof EpayblError)) throw err;
    deps.log.warn(
      {
        vorgangsnummer: input.vorgangsnummer,
        kassenzeichen: input.kassenzeichen,
        code: err.code,
        ePaymentId: err.result?.ePaymentId,
      },
      'ePayBL: booked Kassenzeichen unreadable; looked at again at the next point',
    );
    return { gelesen: false };
  }
}
