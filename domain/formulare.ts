// Form schemas per Onlinedienst and version. A submission names the version it was filled in; the schema of
// that version validates it, so a form change never invalidates Anträge already under way.
import { z } from 'zod';

export interface Formular {
  onlinedienstId: string;
  version: string;
  titel: string;
  schema: z.ZodObject;
  /** Field labels for the PDF and the authority's view, in form order, grouped by section. */
  abschnitte: { titel: string; felder: Record<string, string> }[];
}

const plz = z.string().regex(/^\d{5}$/, 'Postleitzahl mit 5 Ziffern');
const adresse = z.object({
  strasse: z.string().trim().min(2).max(120),
  hausnummer: z.string().trim().min(1).max(10),
  plz,
  ort: z.string().trim().min(2).max(80),
});

const anwohnerparken1 = z.object({
  kennzeichen: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} ?\d{1,4}[EH]?$/, 'Kfz-Kennzeichen, z. B. L-AB 1234'),
  halter: z.enum(['selbst', 'arbeitgeber', 'leasing']),
  wohnadresse: adresse,
  zone: z.string().regex(/^[A-Z]\d{1,2}$/, 'Bewohnerparkzone, z. B. A3'),
  gueltigAb: z.iso.date(),
  bemerkung: z.string().max(2000).optional(),
});

const hundesteuer1 = z.object({
  hund: z.object({
    name: z.string().trim().min(1).max(60),
    rasse: z.string().trim().min(2).max(80),
    geboren: z.iso.date(),
    chipnummer: z.string().regex(/^\d{15}$/, 'Transponder-Nummer mit 15 Ziffern'),
  }),
  haltungSeit: z.iso.date(),
  anschrift: adresse,
  gefaehrlich: z.boolean(),
});

export const formulare: Formular[] = [
  {
    onlinedienstId: 'anwohnerparken',
    version: '1.0',
    titel: 'Antrag auf einen Bewohnerparkausweis',
    schema: anwohnerparken1,
    abschnitte: [
      { titel: 'Fahrzeug', felder: { kennzeichen: 'Kennzeichen', halter: 'Halter' } },
      { titel: 'Wohnsitz', felder: { wohnadresse: 'Wohnadresse', zone: 'Bewohnerparkzone' } },
      { titel: 'Ausweis', felder: { gueltigAb: 'Gültig ab', bemerkung: 'Bemerkung' } },
    ],
  },
  {
    onlinedienstId: 'hundesteuer',
    version: '1.0',
    titel: 'Anmeldung zur Hundesteuer',
    schema: hundesteuer1,
    abschnitte: [
      { titel: 'Hund', felder: { hund: 'Hund', gefaehrlich: 'Gefährlicher Hund' } },
      { titel: 'Halter', felder: { anschrift: 'Anschrift', haltungSeit: 'Haltung seit' } },
    ],
  },
];

export function findFormular(onlinedienstId: string, version?: string): Formular | undefined {
  const versions = formulare.filter((f) => f.onlinedienstId === onlinedienstId);
  if (version) return versions.find((f) => f.version === version);
  return versions.sort((a, b) => b.version.localeCompare(a.version, 'en', { numeric: true }))[0];
}
