// The activations of an Onlinedienst per Mandant, with their Prozessparameter: a protected value is never shown (the
// API does not return it either), only that it is set. Each links to its page (Prozessparameter, Wartungsmodus).
import type { AktivierungItem } from '../../api/schemas/aktivierung';
import { humanize } from '../format';
import { Badge } from '../layout';

export const MASK = '••••••';

export function Aktivierungen({ items, onlinedienstId }: { items: AktivierungItem[]; onlinedienstId: string }) {
  return (
    <section aria-labelledby="akt-h">
      <h2 id="akt-h">Aktivierungen</h2>
      {items.length === 0 ? (
        <p>Keine Aktivierungen, die Sie sehen dürfen.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Mandant</th>
              <th scope="col">Zuständige Stelle</th>
              <th scope="col">Leistung</th>
              <th scope="col">Status</th>
              <th scope="col">Wartungsmodus</th>
              <th scope="col">Prozessparameter</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr>
                <td>
                  <a
                    href={`/onlinedienste/${encodeURIComponent(onlinedienstId)}/aktivierungen/${encodeURIComponent(a.mandantId)}`}
                  >
                    {a.mandantId}
                    <span class="visually-hidden">: Aktivierung, Prozessparameter und Wartungsmodus</span>
                  </a>
                </td>
                <td>{a.organisationseinheitId}</td>
                <td>{a.leistungId}</td>
                <td>{humanize(a.status)}</td>
                <td>{a.wartungsmodus ? <Badge kind="warning">an</Badge> : 'aus'}</td>
                <td>
                  {a.prozessparameter.length === 0 ? (
                    '–'
                  ) : (
                    <dl class="facts">
                      {a.prozessparameter.map((p) => (
                        <>
                          <dt>{p.key}</dt>
                          <dd>
                            {p.geschuetzt ? <span aria-label="geschützter Wert, nicht angezeigt">{MASK}</span> : p.wert}
                          </dd>
                        </>
                      ))}
                    </dl>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
