// The board's Störungen: Anträge stuck on a cause, since when, how many, which Mandant, who can fix it — and, once it
// is fixed, one button that tries all of them again (a bulk action running as a workflow).
import type { Stoerung } from '../../api/schemas/stoerung';
import { formatDateTime, isoOf } from '../format';
import { CsrfField, type Frame } from '../layout';

export function Stoerungen({ items, frame, canRetry }: { items: Stoerung[]; frame: Frame; canRetry: boolean }) {
  if (items.length === 0) return <p>Keine Anträge warten auf die Behebung einer Störung.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Störung</th>
          <th scope="col">Seit</th>
          <th scope="col" class="num">
            Anträge
          </th>
          <th scope="col">Mandant</th>
          <th scope="col">Beheben kann das</th>
          {canRetry ? <th scope="col">Nach der Behebung</th> : null}
        </tr>
      </thead>
      <tbody>
        {items.map((s) => (
          <tr>
            <td>
              {s.was}
              <span class="hint">
                {s.art === 'dauerhaft' ? 'nicht von selbst behebbar' : 'hält länger an als erwartet'} ·{' '}
                {s.aktivierungen.join(', ')}
              </span>
            </td>
            <td>
              <time datetime={isoOf(s.seit)}>{formatDateTime(s.seit)}</time>
            </td>
            <td class="num">{s.anzahlAntraege}</td>
            <td>{s.mandanten.join(', ')}</td>
            <td>{s.behebbarDurchText}</td>
            {canRetry ? (
              <td>
                <form method="post" action={`/betrieb/stoerungen/${encodeURIComponent(s.id)}/wiederholen`}>
                  <CsrfField frame={frame} />
                  <button type="submit">Alle {s.anzahlAntraege} wiederholen</button>
                </form>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
