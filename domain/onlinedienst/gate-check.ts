// The gate check of seed 000 ("Anbindung im Entwicklungssystem"), run per activation before the test on the
// Entwicklungssystem and again before going live. Master data is passed in (an activity loads it).

export interface Leistung {
  id: string;
  name: string;
  /** Organisationseinheiten the Leistung is linked to (Zuständigkeiten) */
  organisationseinheitIds: readonly string[];
}

export type Kommunikationskanal =
  { typ: 'behoerdenkonto'; behoerdenkontoId: string } | { typ: 'email' | 'telefon' | 'fax' | 'web'; wert: string };

export interface Organisationseinheit {
  id: string;
  name: string;
  mandantId: string;
  kommunikation: readonly Kommunikationskanal[];
}

export interface Behoerdenkonto {
  id: string;
  mandantId: string;
  aktiv: boolean;
}

export interface MandantStammdaten {
  id: string;
  name: string;
  impressum?: string | null;
  logo?: string | null;
  datenschutzbeauftragter?: { name: string; email?: string } | null;
}

export interface GateMasterData {
  leistungen: readonly Leistung[];
  organisationseinheiten: readonly Organisationseinheit[];
  behoerdenkonten: readonly Behoerdenkonto[];
  mandanten: readonly MandantStammdaten[];
}

export interface GateActivation {
  mandantId: string;
  leistungId: string;
  /** the zuständige Stelle, an Organisationseinheit */
  zustaendigeStelleId: string;
  /**
   * Required Prozessparameter the process declares and the activation lacks (no value, no default). Absent in
   * gate data loaded before processes declared parameters, which then reports nothing here.
   */
  fehlendeParameter?: readonly string[];
}

export type GateFailureCode =
  | 'leistung-missing'
  | 'organisationseinheit-missing'
  | 'organisationseinheit-other-mandant'
  | 'leistung-not-linked'
  | 'behoerdenkonto-missing'
  | 'behoerdenkonto-not-channel'
  | 'behoerdenkonto-inactive'
  | 'mandant-missing'
  | 'impressum-missing'
  | 'logo-missing'
  | 'datenschutzbeauftragter-missing'
  | 'prozessparameter-missing';

export interface GateFailure {
  code: GateFailureCode;
  message: string;
}

export interface GateCheckResult {
  passed: boolean;
  failures: GateFailure[];
}

const blank = (value: string | null | undefined): boolean =>
  value === undefined || value === null || value.trim() === '';

/** All failures at once, so the Mandant can fix everything in one go. */
export function gateCheck(activation: GateActivation, data: GateMasterData): GateCheckResult {
  const failures: GateFailure[] = [];
  const add = (code: GateFailureCode, message: string) => failures.push({ code, message });

  const leistung = data.leistungen.find((l) => l.id === activation.leistungId);
  if (!leistung) add('leistung-missing', `Die Leistung ${activation.leistungId} ist im System nicht vorhanden.`);

  const oe = data.organisationseinheiten.find((o) => o.id === activation.zustaendigeStelleId);
  if (!oe) {
    add(
      'organisationseinheit-missing',
      `Die zuständige Stelle ${activation.zustaendigeStelleId} ist nicht als Organisationseinheit angelegt.`,
    );
  } else if (oe.mandantId !== activation.mandantId) {
    add(
      'organisationseinheit-other-mandant',
      `Die Organisationseinheit „${oe.name}“ gehört nicht zum Mandanten ${activation.mandantId}.`,
    );
  }

  if (leistung && oe && !leistung.organisationseinheitIds.includes(oe.id)) {
    add(
      'leistung-not-linked',
      `Leistung „${leistung.name}“ und Organisationseinheit „${oe.name}“ sind nicht verknüpft.`,
    );
  }

  if (oe) {
    const kontoIds = oe.kommunikation.flatMap((k) => (k.typ === 'behoerdenkonto' ? [k.behoerdenkontoId] : []));
    const konten = data.behoerdenkonten.filter((b) => kontoIds.includes(b.id));
    if (konten.length === 0) {
      const vorhanden = data.behoerdenkonten.some((b) => b.mandantId === activation.mandantId);
      if (vorhanden) {
        add(
          'behoerdenkonto-not-channel',
          `Das Behördenkonto ist nicht als Kommunikationskanal der zuständigen Stelle „${oe.name}“ hinterlegt.`,
        );
      } else {
        add('behoerdenkonto-missing', `Für den Mandanten ${activation.mandantId} gibt es kein Behördenkonto.`);
      }
    } else if (!konten.some((b) => b.aktiv)) {
      add('behoerdenkonto-inactive', `Das Behördenkonto der zuständigen Stelle „${oe.name}“ ist nicht aktiv.`);
    }
  }

  if (activation.fehlendeParameter && activation.fehlendeParameter.length > 0) {
    add(
      'prozessparameter-missing',
      `Für die Aktivierung bei ${activation.mandantId} fehlen Pflicht-Prozessparameter: ` +
        `${activation.fehlendeParameter.join(', ')}.`,
    );
  }

  const mandant = data.mandanten.find((m) => m.id === activation.mandantId);
  if (!mandant) {
    add('mandant-missing', `Der Mandant ${activation.mandantId} ist nicht vorhanden.`);
  } else {
    if (blank(mandant.impressum))
      add('impressum-missing', `Im Mandanten „${mandant.name}“ ist kein Impressum gepflegt.`);
    if (blank(mandant.logo)) add('logo-missing', `Im Mandanten „${mandant.name}“ ist kein Logo / Bild gepflegt.`);
    if (!mandant.datenschutzbeauftragter || blank(mandant.datenschutzbeauftragter.name)) {
      add(
        'datenschutzbeauftragter-missing',
        `Im Mandanten „${mandant.name}“ ist keine Datenschutzbeauftragte / kein Datenschutzbeauftragter gepflegt.`,
      );
    }
  }
  return { passed: failures.length === 0, failures };
}

/** The check for several activations (one Onlinedienst, many Mandanten). */
export function gateCheckAll(
  activations: readonly GateActivation[],
  data: GateMasterData,
): Array<GateCheckResult & { activation: GateActivation }> {
  return activations.map((activation) => ({ activation, ...gateCheck(activation, data) }));
}
