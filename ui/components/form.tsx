// The pieces of the master-data and activation forms: fields with their label, hint and error (linked by
// aria-describedby), and the error summary above a form whose entries jump to the fields. A page has several forms;
// a refused post shows its errors only at the form it came from.
import type { Child } from 'hono/jsx';
import type { Problem } from '../api-client';
import type { Frame } from '../layout';
import { CsrfField } from '../layout';

export type Posted = Record<string, string | string[]>;

/** A refused post: which form, what was entered, and the API's problem. */
export interface FormState {
  form: string;
  values: Posted;
  problem: Problem;
}

export const inputId = (form: string, name: string) => `${form}-${name}`.replace(/[^A-Za-z0-9_-]/g, '-');

/** The posted value of one field as a string ('' when missing). */
export function one(posted: Posted, name: string): string {
  const v = posted[name];
  return (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
}

/** What a form shows: its own posted values and errors after a refusal, the stored values otherwise. */
export function formView(state: FormState | undefined, form: string, stored: Record<string, string>) {
  const mine = state?.form === form ? state : undefined;
  const errors = Object.fromEntries((mine?.problem.invalidParams ?? []).map((p) => [p.name, p.reason]));
  const values: Record<string, string> = mine
    ? Object.fromEntries(Object.entries(mine.values).map(([k, v]) => [k, Array.isArray(v) ? (v[0] ?? '') : v]))
    : stored;
  /** The props a field of this form takes for `name`: `<TextField {...v.field('name')} label="Name" />`. */
  const field = (name: string) => ({ form, name, value: values[name], error: errors[name] });
  return { mine, errors, values, field };
}

/** The summary of a refused form: the API's detail and each invalid field as a link to it. */
export function ErrorSummary({
  state,
  form,
  labels,
  title,
}: {
  state: FormState | undefined;
  form: string;
  labels: Record<string, string>;
  title: string;
}) {
  if (state?.form !== form) return null;
  const params = state.problem.invalidParams ?? [];
  return (
    <div class="notice error" role="alert" id={`${form}-fehler`} tabindex={-1}>
      <h3>{title}</h3>
      {params.length === 0 ? <p>{state.problem.detail ?? state.problem.title}</p> : null}
      {params.length > 0 ? (
        <ul>
          {params.map((p) => (
            <li>
              <a href={`#${inputId(form, labels[p.name] ? p.name : Object.keys(labels)[0]!)}`}>
                {labels[p.name] ?? p.name}: {p.reason}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

interface FieldProps {
  form: string;
  name: string;
  label: string;
  value?: string;
  error?: string | undefined;
  hint?: string;
  required?: boolean;
}

function describedBy(id: string, hint?: string, error?: string) {
  return [hint ? `${id}-hinweis` : '', error ? `${id}-fehler` : ''].filter(Boolean).join(' ') || undefined;
}

function HintAndError({ id, hint, error }: { id: string; hint?: string | undefined; error?: string | undefined }) {
  return (
    <>
      {hint ? (
        <span class="hint" id={`${id}-hinweis`}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span class="error-text" id={`${id}-fehler`}>
          Fehler: {error}
        </span>
      ) : null}
    </>
  );
}

export function TextField(p: FieldProps & { type?: 'text' | 'email' | 'tel' | 'url'; multiline?: boolean }) {
  const id = inputId(p.form, p.name);
  const common = {
    id,
    name: p.name,
    required: p.required,
    'aria-invalid': p.error ? 'true' : undefined,
    'aria-describedby': describedBy(id, p.hint, p.error),
  };
  return (
    <div>
      <label for={id}>
        {p.label}
        {p.required ? '' : ' (optional)'}
      </label>
      <HintAndError id={id} hint={p.hint} error={p.error} />
      {p.multiline ? (
        <textarea {...common}>{p.value ?? ''}</textarea>
      ) : (
        <input {...common} type={p.type ?? 'text'} value={p.value ?? ''} />
      )}
    </div>
  );
}

export function SelectField(p: FieldProps & { options: Array<[value: string, label: string]>; empty?: string }) {
  const id = inputId(p.form, p.name);
  return (
    <div>
      <label for={id}>{p.label}</label>
      <HintAndError id={id} hint={p.hint} error={p.error} />
      <select
        id={id}
        name={p.name}
        required={p.required}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedBy(id, p.hint, p.error)}
      >
        {p.empty !== undefined ? <option value="">{p.empty}</option> : null}
        {p.options.map(([v, l]) => (
          <option value={v} selected={p.value === v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Radio buttons in a fieldset; the fieldset carries the id the error summary links to. */
export function RadioField(p: FieldProps & { options: Array<[value: string, label: string]> }) {
  const id = inputId(p.form, p.name);
  return (
    <fieldset id={id} aria-describedby={describedBy(id, p.hint, p.error)}>
      <legend>{p.label}</legend>
      <HintAndError id={id} hint={p.hint} error={p.error} />
      {p.options.map(([v, l], i) => (
        <label class="check" for={`${id}-${i}`}>
          <input id={`${id}-${i}`} type="radio" name={p.name} value={v} checked={p.value === v} />
          {l}
        </label>
      ))}
    </fieldset>
  );
}

export function CheckField(p: FieldProps & { checked: boolean }) {
  const id = inputId(p.form, p.name);
  return (
    <div>
      <label class="check" for={id}>
        <input id={id} type="checkbox" name={p.name} value="ja" checked={p.checked} />
        {p.label}
      </label>
      <HintAndError id={id} hint={p.hint} error={p.error} />
    </div>
  );
}

/** A form that posts to `action` with the CSRF token, no client script. */
export function PostForm({
  frame,
  action,
  children,
  label,
  inline,
}: {
  frame: Frame;
  action: string;
  children?: Child;
  label?: string;
  inline?: boolean;
}) {
  return (
    <form class={inline ? 'inline' : 'stack'} method="post" action={action} novalidate aria-label={label}>
      <CsrfField frame={frame} />
      {children}
    </form>
  );
}

/** '' becomes null: an emptied optional field clears the stored value. */
export const orNull = (v: string): string | null => (v === '' ? null : v);
