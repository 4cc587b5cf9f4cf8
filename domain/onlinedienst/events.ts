// What arrives from outside while an Onlinedienst is in Betrieb (lifecycle.md, "Events that arrive from outside"):
// legal-change notices, configuration change orders from a Mandant, incidents, and the shutdown decision. Each is
// validated here with German field messages before it opens a task.
import { z } from 'zod';
import { isoDate, lazySchema, nonEmpty } from '../field-errors';
import type { Role } from './phases';

export const rechtsaenderungSchema = lazySchema(() =>
  z.strictObject({
    titel: nonEmpty(),
    rechtsgrundlage: nonEmpty(),
    beschreibung: nonEmpty(),
    /** the change comes into force on this date; the task is due before it */
    inKraftAb: isoDate(),
  }),
);

export const konfigurationsaenderungSchema = lazySchema(() =>
  z
    .strictObject({
      mandantId: nonEmpty(),
      grund: nonEmpty(),
      gueltigAb: isoDate(),
      gueltigBis: isoDate().optional(),
      abschnitte: z.array(nonEmpty()).min(1),
      aenderung: nonEmpty(),
    })
    .superRefine((v, ctx) => {
      if (v.gueltigBis !== undefined && v.gueltigBis < v.gueltigAb) {
        ctx.addIssue({
          code: 'custom',
          path: ['gueltigBis'],
          message: 'Darf nicht vor „gültig ab“ liegen.',
          input: v.gueltigBis,
        });
      }
    }),
);

export const stoerungSchema = lazySchema(() =>
  z.strictObject({
    titel: nonEmpty(),
    beschreibung: nonEmpty(),
    seit: z.iso.datetime({ offset: true }),
    schwere: z.enum(['niedrig', 'mittel', 'hoch', 'kritisch']),
  }),
);

export const abschaltungSchema = lazySchema(() =>
  z
    .strictObject({
      begruendung: nonEmpty(),
      /** open Anträge: let them run out, or hand them over to the zuständige Stelle / a successor */
      antraege: z.enum(['auslaufen', 'uebergeben']),
      uebergabeAn: z.string().trim().optional(),
      ankuendigung: z.string().optional(),
    })
    .superRefine((v, ctx) => {
      if (v.antraege === 'uebergeben' && (v.uebergabeAn ?? '') === '') {
        ctx.addIssue({
          code: 'custom',
          path: ['uebergabeAn'],
          message: 'Bei Übergabe angeben, wer die offenen Anträge übernimmt.',
          input: v.uebergabeAn,
        });
      }
    }),
);

export type Rechtsaenderung = z.output<ReturnType<typeof rechtsaenderungSchema>>;
export type Konfigurationsaenderung = z.output<ReturnType<typeof konfigurationsaenderungSchema>>;
export type Stoerung = z.output<ReturnType<typeof stoerungSchema>>;
export type AbschaltungEntscheidung = z.output<ReturnType<typeof abschaltungSchema>>;

export const EVENT_TYPES = ['rechtsaenderung', 'konfigurationsaenderung', 'stoerung'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EVENT_SCHEMAS: Readonly<Record<EventType, () => z.ZodType>> = {
  rechtsaenderung: rechtsaenderungSchema,
  konfigurationsaenderung: konfigurationsaenderungSchema,
  stoerung: stoerungSchema,
};

/** Who may report what: a Mandant orders configuration changes for its own activation; the AWB passes incidents on. */
export const EVENT_ROLES: Readonly<Record<EventType, readonly Role[]>> = {
  rechtsaenderung: ['prozesseigner', 'projektleitung', 'redaktion'],
  konfigurationsaenderung: ['mandant-admin', 'prozesseigner'],
  stoerung: ['awb', 'prozesseigner'],
};

/** Task keys stay short and readable: RA-1, KA-2, ST-3. */
export const EVENT_KEY_PREFIX: Readonly<Record<EventType, string>> = {
  rechtsaenderung: 'RA',
  konfigurationsaenderung: 'KA',
  stoerung: 'ST',
};
