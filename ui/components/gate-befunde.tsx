// The last gate check of an Onlinedienst: what failed, per Mandant, each finding with a link to the page that fixes
// it (the API puts the link at the finding), and the button that runs the held check again.
import type { LifecycleDetail } from '../../api/schemas/onlinedienst';
import { GATE_LABELS } from '../../domain/onlinedienst/gate-report';
import { formatDateTime } from '../format';
import { Badge, CsrfField, type Frame } from '../layout';

function Finding({ message, link }: { message: string; link?: string | undefined }) {
  return (
    <li>
      {message}{' '}
      {link ? (
        <a href={link}>
          Beheben<span class="visually-hidden">: {message}</span>
        </a>
      ) : null}
    </li>
  );
}

export function GateBefunde({ view, frame, canRetry }: { view: LifecycleDetail; frame: Frame; canRetry: boolean }) {
  const last = view.gate.last;
  if (!last) return null;
  const failed = last.activations.filter((a) => !a.passed);
  return (
    <section aria-labelledby="gate-h" id="gate">
      <h2 id="gate-h">Gate-Prüfung</h2>
      <p>
        {GATE_LABELS[last.gate]}, zuletzt am {formatDateTime(last.checkedAt)}:{' '}
        {last.passed ? <Badge kind="ok">bestanden</Badge> : <Badge kind="bad">nicht bestanden</Badge>}
        {view.gate.hold ? ' – die Phase wartet, bis die Stammdaten gepflegt sind.' : ''}
      </p>
      {last.failures.length > 0 ? (
        <ul>
          {last.failures.map((f) => (
            <Finding message={f.message} link={f.link} />
          ))}
        </ul>
      ) : null}
      {failed.map((a) => (
        <>
          <h3>Mandant {a.mandantId}</h3>
          <ul>
            {a.failures.map((f) => (
              <Finding message={f.message} link={f.link} />
            ))}
          </ul>
        </>
      ))}
      {view.gate.hold && canRetry ? (
        <form
          class="inline"
          method="post"
          action={`/onlinedienste/${encodeURIComponent(view.onlinedienstId)}/gate-pruefung`}
        >
          <CsrfField frame={frame} />
          <button type="submit">Gate-Prüfung erneut ausführen</button>
        </form>
      ) : null}
    </section>
  );
}
