// What the form pages fetch through the API: the draft and the form it fills in, and the steps the answers give.
import type { z } from 'zod';
import type { aktivierungFormularSchema, entwurfSchema } from '../../api/schemas/entwurf';
import type { AbschnittAnsicht, FeldAnsicht, FormularAnsicht } from '../../domain/formular-ansicht/model';
import { sichtbareAbschnitte } from '../../domain/formular-ansicht/werte';
import type { Ui } from '../context';
import type { UiContext } from '../session';

export type Entwurf = z.infer<typeof entwurfSchema>;
export type AktivierungFormular = z.infer<typeof aktivierungFormularSchema>;

/** The last step before the summary: who applies (the Antrag's antragsteller). */
export const KONTAKT: AbschnittAnsicht = {
  id: 'kontakt',
  titel: 'Ihre Kontaktdaten',
  hilfe: 'An diese Adresse schicken wir die Eingangsbestätigung mit dem Link zum Stand Ihres Antrags.',
  felder: [
    {
      key: 'antragsteller',
      art: 'gruppe',
      label: 'Antragstellerin oder Antragsteller',
      pflicht: true,
      felder: [
        {
          key: 'name',
          art: 'text',
          label: 'Vor- und Nachname',
          pflicht: true,
          minLaenge: 2,
          maxLaenge: 200,
          autocomplete: 'name',
        },
        { key: 'email', art: 'email', label: 'E-Mail-Adresse', pflicht: true, autocomplete: 'email' },
      ] satisfies FeldAnsicht[],
    },
  ],
};

export const entwurfPfad = (token: string) => `/formular/entwurf/${encodeURIComponent(token)}`;

export async function ladeEntwurf(ui: Ui, c: UiContext, token: string, inhalte = false) {
  const entwurf = await ui.api.get<Entwurf>(
    c,
    `/api/entwuerfe/${encodeURIComponent(token)}${inhalte ? '?inhalte=true' : ''}`,
  );
  const formular = entwurf.aktivierungId
    ? (
        await ui.api.get<AktivierungFormular>(
          c,
          `/api/formulare/aktivierungen/${encodeURIComponent(entwurf.aktivierungId)}`,
        )
      ).formular
    : await ui.api.get<FormularAnsicht>(
        c,
        `/api/formulare/${encodeURIComponent(entwurf.onlinedienstId)}/${encodeURIComponent(entwurf.formularVersion)}`,
      );
  return { entwurf, formular: formular as FormularAnsicht };
}

/** The pages as the answers make them: the sections shown, then the contact details. */
export function schritte(formular: FormularAnsicht, daten: Record<string, unknown>): AbschnittAnsicht[] {
  return [...sichtbareAbschnitte(formular, daten), KONTAKT];
}
