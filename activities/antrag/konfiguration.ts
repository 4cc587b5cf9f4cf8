// An activation's Prozessparameter — under the process definition of the Antrag's version, which decides fee,
// delivery and Fristen defaults (domain/formular/prozess-schritte.ts) and may name the recipient per Antrag — read
// into one typed configuration. Unknown or malformed parameters are reported with their key, so the Mandant can fix
// them; protected values are decrypted only here.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema';
import { findAktivierung, listProzessparameter } from '../../db/stores/aktivierung';
import type { EpayblPaymentConfig } from '../../integrations/epaybl/types';
import { DAUER } from '../../domain/dauer';
import { istAntwortfrist } from '../../domain/antrag/fristen';
import { decryptParameter } from '../../runtime/secrets';
import type { Definition } from '../../domain/formular/format';
import { prozessSchritte } from '../../domain/formular/prozess-schritte';
import { empfaengerAusAntwort } from './empfaenger';

const dauer = z.string().regex(DAUER, 'Dauer wie 90d, 4h, 30m, 10s');

const parameterSchema = z.object({
  // 0 is what the declaration calls "no fee" (domain/formular/standard-parameter.ts), not a mistyped value.
  'gebuehr.betragCent': z.coerce.number().int().min(0).optional(),
  'epaybl.mandantNr': z.string().min(1).max(20).optional(),
  'epaybl.bewirtschafterNr': z.string().min(1).max(8).optional(),
  'epaybl.haushaltsstelle': z.string().min(1).max(10).optional(),
  'epaybl.objektnummer': z.string().max(10).optional(),
  'epaybl.kennzeichenMahnverfahren': z.string().max(5).default('0'),
  'epaybl.fristTage': z.coerce.number().int().min(0).max(365).default(14),
  'epaybl.buchungstext': z.string().min(1).max(120).optional(),
  'zustellung.modus': z.enum(['transfer-plain', 'transfer-xfall', 'fitconnect']).default('transfer-plain'),
  'zustellung.verzeichnis': z.string().min(1).optional(),
  'fitconnect.destinationId': z.string().min(1).optional(),
  'fitconnect.schemaUri': z.string().min(1).default('urn:xoev-de:xfall:standard:antrag'),
  'fitconnect.leistungId': z.string().min(1).optional(),
  'frist.zahlungErinnerung': dauer.default('3d'),
  'frist.zahlungAbbruch': dauer.default('14d'),
  'frist.zahlungAbfrage': dauer.default('30s'),
  /** First look at a FIT-Connect submission's event log; the interval doubles up to an hour. */
  'frist.fitconnectAbfrage': dauer.default('1m'),
  /** How long to watch for the authority's accept or reject (the service rejects after 14 days unpicked). */
  'frist.fitconnectErgebnis': dauer.default('21d'),
  'frist.transferLoeschen': dauer.default('90d'),
  /** How often the Transferverzeichnis is looked at for the authority's pickup. */
  'frist.transferAbfrage': dauer.default('1h'),
  /** Not fetched this long after delivery: the Mandant is reminded (once). */
  'frist.transferErinnerung': dauer.default('7d'),
  /** This long before unfetched data is deleted, the Mandant and the AWB are warned. */
  'frist.transferWarnung': dauer.default('14d'),
  /** This long before a Nachforderung's deadline the citizen is reminded. */
  'frist.nachforderungErinnerung': dauer.default('3d'),
  /** The authority's first answer is due within this ("10at" = ten Saxon working days, or a duration). */
  'frist.behoerdeAntwort': z
    .string()
    .refine(istAntwortfrist, 'Arbeitstage wie 10at oder Dauer wie 72h')
    .default('10at'),
  'frist.aufbewahrung': dauer.default('365d'),
  /** First look at a booked Kassenzeichen for money beyond the fee; the gap doubles up to 30 days. */
  'frist.nachzahlungPruefen': dauer.default('1d'),
  'frist.bescheidWartezeit': dauer.default('730d'),
  'frist.wartungPruefen': dauer.default('1h'),
  'frist.widerspruch': dauer.default('30d'),
});

export type ZustellModus = 'transfer-plain' | 'transfer-xfall' | 'fitconnect';

export interface AktivierungsKonfiguration {
  aktivierungId: string;
  onlinedienstId: string;
  mandantId: string;
  oeId: string;
  leistungId: string;
  status: 'entwurf' | 'aktiv' | 'deaktiviert';
  wartung: { aktiv: boolean; art: 'refuse' | 'hold'; text: string | null };
  /** ePayBL's payment configuration of this activation; null when no fee is charged. */
  gebuehr: EpayblPaymentConfig | null;
  zustellung: {
    modus: ZustellModus;
    /** A stable name of the endpoint, for outage tracking across Anträge. */
    endpunkt: string;
    verzeichnis?: string;
    fitconnect?: { destinationId: string; schemaUri: string; leistungId: string };
  };
  /** Durations as strings ("3d"); the workflow turns them into timers. */
  fristen: {
    zahlungErinnerung: string;
    zahlungAbbruch: string;
    zahlungAbfrage: string;
    /** Absent in configurations recorded before the FIT-Connect outcome was watched. */
    fitconnectAbfrage?: string;
    fitconnectErgebnis?: string;
    transferLoeschen: string;
    /** Absent in configurations recorded before the pickup and the deadlines after delivery were watched. */
    transferAbfrage?: string;
    transferErinnerung?: string;
    transferWarnung?: string;
    nachforderungErinnerung?: string;
    behoerdeAntwort?: string;
    aufbewahrung: string;
    /** Absent in configurations recorded before money after the booking was watched. */
    nachzahlungPruefen?: string;
    bescheidWartezeit: string;
    wartungPruefen: string;
    widerspruch: string;
  };
}

export class KonfigurationsFehler extends Error {
  constructor(
    readonly aktivierungId: string,
    readonly probleme: string[],
  ) {
    super(`Aktivierung ${aktivierungId}: ${probleme.join('; ')}`);
    this.name = 'KonfigurationsFehler';
  }
}

export async function ladeKonfiguration(
  db: Kysely<Database>,
  parameterKey: Buffer,
  aktivierungId: string,
  antrag?: { definition: Definition; daten: Record<string, unknown> },
): Promise<AktivierungsKonfiguration> {
  const aktivierung = await findAktivierung(db, aktivierungId);
  if (!aktivierung) throw new KonfigurationsFehler(aktivierungId, ['Aktivierung existiert nicht']);
  // A map by key follows: the order of the rows does not matter.
  const rows = await listProzessparameter(db, [aktivierungId]);
  let raw: Record<string, string> = {};
  for (const row of rows) {
    raw[row.key] =
      row.protected && row.value_encrypted
        ? decryptParameter(parameterKey, Buffer.from(row.value_encrypted))
        : (row.value ?? '');
  }
  // The process definition of the Antrag's version decides the steps; the activation fills in what it declares.
  const schritte = antrag ? prozessSchritte(antrag.definition.prozess, raw, antrag.daten) : undefined;
  if (schritte) raw = schritte.parameter;
  const parsed = parameterSchema.safeParse(raw);
  if (!parsed.success) {
    throw new KonfigurationsFehler(
      aktivierungId,
      parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`),
    );
  }
  const p = parsed.data;
  const probleme: string[] = [...(schritte?.probleme ?? [])];
  let gebuehr: AktivierungsKonfiguration['gebuehr'] = null;
  if (p['gebuehr.betragCent']) {
    for (const key of [
      'epaybl.mandantNr',
      'epaybl.bewirtschafterNr',
      'epaybl.haushaltsstelle',
      'epaybl.buchungstext',
    ] as const) {
      if (!p[key]) probleme.push(`${key}: fehlt (nötig, weil gebuehr.betragCent gesetzt ist)`);
    }
    gebuehr = {
      betragCent: p['gebuehr.betragCent'],
      mandantNr: p['epaybl.mandantNr'] ?? '',
      bewirtschafterNr: p['epaybl.bewirtschafterNr'] ?? '',
      haushaltsstelle: p['epaybl.haushaltsstelle'] ?? '',
      objektnummer: p['epaybl.objektnummer'],
      kennzeichenMahnverfahren: p['epaybl.kennzeichenMahnverfahren'],
      fristTage: p['epaybl.fristTage'],
      buchungstext: p['epaybl.buchungstext'] ?? '',
    };
  }
  const modus = p['zustellung.modus'];
  let fitconnect: AktivierungsKonfiguration['zustellung']['fitconnect'];
  if (modus === 'fitconnect') {
    // A recipient taken from the answer brings its own destination.
    if (!p['fitconnect.destinationId'] && !schritte?.empfaengerOe)
      probleme.push('fitconnect.destinationId: fehlt (nötig für zustellung.modus=fitconnect)');
    fitconnect = {
      destinationId: p['fitconnect.destinationId'] ?? '',
      schemaUri: p['fitconnect.schemaUri'],
      leistungId: p['fitconnect.leistungId'] ?? aktivierung.leistung_id,
    };
  }
  if (probleme.length) throw new KonfigurationsFehler(aktivierungId, probleme);
  let verzeichnis = p['zustellung.verzeichnis'] ?? aktivierungId;
  let oeId = aktivierung.oe_id;
  if (schritte?.empfaengerOe) {
    const e = await empfaengerAusAntwort(db, {
      aktivierungId,
      mandantId: aktivierung.mandant_id,
      oeId: schritte.empfaengerOe,
      modus,
    });
    oeId = e.oeId;
    if (e.verzeichnis) verzeichnis = e.verzeichnis;
    if (e.fitconnectDestinationId && fitconnect) fitconnect.destinationId = e.fitconnectDestinationId;
  }
  return {
    aktivierungId,
    onlinedienstId: aktivierung.onlinedienst_id,
    mandantId: aktivierung.mandant_id,
    oeId,
    leistungId: aktivierung.leistung_id,
    status: aktivierung.status,
    wartung: {
      aktiv: aktivierung.wartungsmodus,
      art: aktivierung.wartungsmodus_art,
      text: aktivierung.wartungsmodus_text,
    },
    gebuehr,
    zustellung: {
      modus,
      endpunkt: modus === 'fitconnect' ? `fitconnect:${fitconnect!.destinationId}` : `${modus}:${verzeichnis}`,
      verzeichnis: modus === 'fitconnect' ? undefined : verzeichnis,
      fitconnect,
    },
    fristen: {
      zahlungErinnerung: p['frist.zahlungErinnerung'],
      zahlungAbbruch: p['frist.zahlungAbbruch'],
      zahlungAbfrage: p['frist.zahlungAbfrage'],
      fitconnectAbfrage: p['frist.fitconnectAbfrage'],
      fitconnectErgebnis: p['frist.fitconnectErgebnis'],
      transferLoeschen: p['frist.transferLoeschen'],
      transferAbfrage: p['frist.transferAbfrage'],
      transferErinnerung: p['frist.transferErinnerung'],
      transferWarnung: p['frist.transferWarnung'],
      nachforderungErinnerung: p['frist.nachforderungErinnerung'],
      behoerdeAntwort: p['frist.behoerdeAntwort'],
      aufbewahrung: p['frist.aufbewahrung'],
      nachzahlungPruefen: p['frist.nachzahlungPruefen'],
      bescheidWartezeit: p['frist.bescheidWartezeit'],
      wartungPruefen: p['frist.wartungPruefen'],
      widerspruch: p['frist.widerspruch'],
    },
  };
}
