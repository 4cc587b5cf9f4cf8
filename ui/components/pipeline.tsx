// Every Onlinedienst by phase: the nine phases as one pipeline, each column with its count and its Onlinedienste.
import { PHASE_IDS } from '../../domain/onlinedienst/phases';
import { phaseLabel } from '../format';
import type { LifecycleListItem } from '../../api/schemas/onlinedienst';

export function Pipeline({ items }: { items: LifecycleListItem[] }) {
  return (
    <ol class="pipeline" aria-label="Onlinedienste nach Phase">
      {PHASE_IDS.map((phase) => {
        const here = items.filter((i) => i.phase === phase && !(phase === 'abschaltung' && i.endedAt));
        return (
          <li>
            <h3>
              <span class="count">{here.length}</span>
              {phaseLabel(phase)}
            </h3>
            <ul>
              {here.map((i) => (
                <li>
                  <a href={`/onlinedienste/${encodeURIComponent(i.onlinedienstId)}`}>{i.name}</a>
                  {i.recertification ? <span class="hint">Rezertifizierung</span> : null}
                </li>
              ))}
            </ul>
          </li>
        );
      })}
    </ol>
  );
}
