// The long payment poll that cannot read its Kassenzeichen polls on — the citizen's money may still come, and stopping
// would lose it — but not in silence: a final ePayBL answer (-0611, an unknown Kassenzeichen) at once, a temporary one
// once it has lasted past the threshold, becomes a Störung on the board with the usual cause, "who can fix it" and
// one mail per cause (stoerung.ts). The poll's next good read resolves it. Its state rides in the heartbeat, so a
// retry on another worker neither reports again nor forgets to resolve.
import type { ActivityDeps } from '../deps';
import { dauerMs } from '../../domain/dauer';
import type { StoerungArt, StoerungFehler } from '../../domain/antrag/stoerung';
import { classifyEpayblError } from '../../integrations/epaybl/errors';
import { EpayblError } from '../../integrations/epaybl/types';
import { stoerungBehoben, stoerungMelden } from './stoerung';

/** When the threshold came with nothing (runs from before the poll knew it): STOERUNG_AFTER's default. */
export const ABFRAGE_STOERUNG_NACH = '4h';

/** What the heartbeat carries between attempts of one poll. */
export interface AbfrageStoerungStand {
  /** epoch ms of the first failure of the current run of failures */
  fehlerSeit?: number;
  /** what was reported in this run (art, type, code): reported again only when it changes */
  gemeldet?: string;
}

export interface AbfrageStoerung {
  stand(): AbfrageStoerungStand;
  /** A read failed: a Störung once it is final or has lasted past the threshold; true when reported just now. */
  fehler(err: unknown): Promise<boolean>;
  /** A read went through: what this poll reported is resolved. */
  gelesen(): Promise<void>;
}

export function abfrageStoerung(
  deps: ActivityDeps,
  vorgangsnummer: string,
  stoerungNach: string | undefined,
  start: AbfrageStoerungStand | undefined,
): AbfrageStoerung {
  const nachMs = dauerMs(stoerungNach ?? ABFRAGE_STOERUNG_NACH);
  let { fehlerSeit, gemeldet } = start ?? {};
  // A poll started afresh (after a wake-up) does not know what the one before it reported: its first good read
  // resolves whatever is open for the poll (one update that finds nothing, when nothing is).
  let aufraeumen = true;
  return {
    stand: () => ({ ...(fehlerSeit !== undefined ? { fehlerSeit } : {}), ...(gemeldet ? { gemeldet } : {}) }),
    async fehler(err) {
      const jetzt = Date.now();
      fehlerSeit ??= jetzt;
      const f = err instanceof EpayblError ? classifyEpayblError(err) : undefined;
      const art: StoerungArt | undefined = f?.final
        ? 'dauerhaft'
        : jetzt - fehlerSeit >= nachMs
          ? 'anhaltend'
          : undefined;
      if (!art) return false;
      const fehler: StoerungFehler = f
        ? {
            typ: f.type,
            nachricht: f.message,
            code: f.details.code,
            ...(f.details.ePaymentId ? { ePaymentId: f.details.ePaymentId } : {}),
          }
        : { typ: (err as Error)?.name || 'Error', nachricht: (err as Error)?.message ?? String(err) };
      const was = `${art}:${fehler.typ}:${fehler.code ?? ''}`;
      if (gemeldet === was) return false;
      await stoerungMelden(deps, { vorgangsnummer, schritt: 'zahlungsabfrage', art, fehler });
      gemeldet = was;
      aufraeumen = true;
      return true;
    },
    async gelesen() {
      fehlerSeit = undefined;
      if (!aufraeumen && !gemeldet) return;
      await stoerungBehoben(deps, { vorgangsnummer, schritt: 'zahlungsabfrage' });
      aufraeumen = false;
      gemeldet = undefined;
    },
  };
}
