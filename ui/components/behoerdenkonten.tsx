// A Mandant's Behördenkonten and the form that registers one (the gate check wants one as an OE's channel).
import type { BehoerdenkontoView } from '../../api/schemas/organisationseinheit';
import type { Frame } from '../layout';
import { ErrorSummary, formView, PostForm, TextField, type FormState } from './form';

const KONTO_LABELS: Record<string, string> = {
  id: 'Kennung',
  bezeichnung: 'Bezeichnung',
  postfachHandle: 'Postfach-Kennung',
};

export function Behoerdenkonten({
  konten,
  canEdit,
  state,
  frame,
  action,
}: {
  konten: BehoerdenkontoView[];
  canEdit: boolean;
  state: FormState | undefined;
  frame: Frame;
  action: string;
}) {
  const konto = formView(state, 'konto', {});
  return (
    <section aria-labelledby="konten-h" id="behoerdenkonten">
      <h2 id="konten-h">Behördenkonten</h2>
      {konten.length === 0 ? (
        <p>Noch kein Behördenkonto.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Kennung</th>
              <th scope="col">Bezeichnung</th>
              <th scope="col">Postfach-Kennung</th>
            </tr>
          </thead>
          <tbody>
            {konten.map((k) => (
              <tr>
                <td>{k.id}</td>
                <td>{k.bezeichnung}</td>
                <td>{k.postfachHandle}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit ? (
        <>
          <h3>Behördenkonto erfassen</h3>
          <ErrorSummary
            state={state}
            form="konto"
            labels={KONTO_LABELS}
            title="Das Behördenkonto wurde nicht erfasst"
          />
          <PostForm frame={frame} action={action} label="Behördenkonto erfassen">
            <TextField
              {...konto.field('id')}
              label="Kennung"
              required
              hint="Kleinbuchstaben, Ziffern und -, z. B. bk-dresden-buergeramt"
            />
            <TextField {...konto.field('bezeichnung')} label="Bezeichnung" required />
            <TextField {...konto.field('postfachHandle')} label="Postfach-Kennung" required />
            <div>
              <button type="submit">Behördenkonto erfassen</button>
            </div>
          </PostForm>
        </>
      ) : null}
    </section>
  );
}
