// Onlinedienste: the pipeline of those the person may see, with the same as a list. One Onlinedienst's page is
// ui/pages/onlinedienst.tsx.
import type { Hono } from 'hono';
import { requireRole } from '../../api/auth';
import type { z } from 'zod';
import { LIFECYCLE_READERS } from '../../api/lifecycle-api';
import type { lifecycleListSchema } from '../../api/schemas/onlinedienst';
import { Pipeline } from '../components/pipeline';
import { render, type Ui } from '../context';
import { phaseLabel } from '../format';
import type { UiEnv } from '../session';

export function registerOnlinedienste(app: Hono<UiEnv>, ui: Ui) {
  app.get('/onlinedienste', requireRole(...LIFECYCLE_READERS), async (c) => {
    const list = await ui.api.get<z.infer<typeof lifecycleListSchema>>(c, '/api/onlinedienste');
    return render(ui, c, 'Onlinedienste', () => (
      <>
        <p class="lead">{list.items.length} Onlinedienste, die Sie sehen dürfen, nach Phase ihres Lebenszyklus.</p>
        <section aria-labelledby="phasen-h">
          <h2 id="phasen-h">Nach Phase</h2>
          <Pipeline items={list.items} />
        </section>
        <table>
          <caption>Alle als Liste</caption>
          <thead>
            <tr>
              <th scope="col">Onlinedienst</th>
              <th scope="col">Phase</th>
              <th scope="col">Träger</th>
              <th scope="col">Mandanten</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((i) => (
              <tr>
                <td>
                  <a href={`/onlinedienste/${encodeURIComponent(i.onlinedienstId)}`}>{i.name}</a>
                </td>
                <td>
                  {phaseLabel(i.phase)}
                  {i.endedAt ? ' (beendet)' : ''}
                </td>
                <td>{i.mandantId}</td>
                <td>{i.mandanten.join(', ') || '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </>
    ));
  });
}
