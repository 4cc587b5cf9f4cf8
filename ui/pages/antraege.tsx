// Anträge for the authority (Sachbearbeitung, Mandant-Admin; own Mandant only, through the API): the list. One
// Antrag with its timeline and the Sachbearbeitung's steps is ui/pages/antrag.tsx.
import type { Hono } from 'hono';
import type { z } from 'zod';
import { requireRole } from '../../api/auth';
import type { antragListSchema } from '../../api/schemas/antrag';
import { render, type Ui } from '../context';
import { antragStatusLabel, formatDateTime } from '../format';
import type { UiEnv } from '../session';

/** Who sees the authority's Anträge pages. */
export const BEHOERDE = ['sachbearbeitung', 'mandant-admin'] as const;

export function registerAntraege(app: Hono<UiEnv>, ui: Ui) {
  app.get('/antraege', requireRole(...BEHOERDE), async (c) => {
    const list = await ui.api.get<z.infer<typeof antragListSchema>>(c, '/api/antraege?limit=200');
    return render(ui, c, 'Anträge', () => (
      <>
        <p class="lead">Die neuesten Anträge Ihres Mandanten ({list.items.length}).</p>
        <table>
          <thead>
            <tr>
              <th scope="col">Vorgang</th>
              <th scope="col">Onlinedienst</th>
              <th scope="col">Mandant</th>
              <th scope="col">Eingegangen</th>
              <th scope="col">Zustellung</th>
              <th scope="col">Bearbeitung</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((a) => (
              <tr>
                <td>
                  <a href={`/antraege/${encodeURIComponent(a.vorgangsnummer)}`}>{a.vorgangsnummer}</a>
                  {a.test ? ' (Test)' : ''}
                </td>
                <td>{a.onlinedienst_id}</td>
                <td>{a.mandant_id}</td>
                <td>{formatDateTime(a.eingegangen_am)}</td>
                <td>{antragStatusLabel(a.zustell_status)}</td>
                <td>
                  {a.status === 'bescheid-zugestellt' ? 'Bescheid zugestellt' : antragStatusLabel(a.bearbeitung_status)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </>
    ));
  });
}
