// A lifecycle task's form, generated from the task template's own field schema (the one the workflow validates
// with), and the way back from posted form fields to the JSON the API takes. The workflow stays the judge:
// its German field messages come back and are shown at the fields.
import { z } from 'zod';
import type { TaskTemplate } from '../domain/onlinedienst/task-catalog';
import { humanize } from './format';

type JsonSchema = {
  type?: string;
  enum?: string[];
  const?: unknown;
  format?: string;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
};

export type FieldSpec =
  | { kind: 'group'; name: string; label: string; children: FieldSpec[] }
  | {
      kind: 'text' | 'date' | 'number' | 'boolean' | 'select' | 'list' | 'multi' | 'json';
      name: string;
      label: string;
      required: boolean;
      options?: string[];
      hint?: string;
    };

function leaf(name: string, key: string, s: JsonSchema, required: boolean): FieldSpec {
  const label = humanize(key);
  if (s.type === 'object' && s.properties) {
    return {
      kind: 'group',
      name,
      label,
      children: Object.entries(s.properties).map(([k, v]) =>
        leaf(`${name}.${k}`, k, v, (s.required ?? []).includes(k)),
      ),
    };
  }
  if (s.type === 'string' && s.enum) return { kind: 'select', name, label, required, options: s.enum };
  if (s.type === 'string' && s.format === 'date')
    return { kind: 'date', name, label, required, hint: 'Datum (TT.MM.JJJJ)' };
  if (s.type === 'string' && s.format === 'date-time')
    return { kind: 'text', name, label, required, hint: 'Zeitpunkt mit Zeitzone, z. B. 2026-12-04T09:30:00+01:00' };
  if (s.type === 'string')
    return {
      kind: 'text',
      name,
      label,
      required,
      ...(s.pattern?.includes('\\d+(\\.\\d+)') ? { hint: 'Version, z. B. v1.0' } : {}),
    };
  if (s.type === 'integer' || s.type === 'number') return { kind: 'number', name, label, required };
  if (s.type === 'boolean') {
    const hint =
      s.const === true
        ? 'Zum Erledigen mit „Ja“ bestätigen.'
        : s.const === false
          ? 'Zum Erledigen „Nein“ wählen.'
          : undefined;
    return { kind: 'boolean', name, label, required, ...(hint ? { hint } : {}) };
  }
  if (s.type === 'array' && s.items?.enum)
    return {
      kind: 'multi',
      name,
      label,
      required,
      options: s.items.enum,
      ...(s.minItems ? { hint: 'Mindestens eine Auswahl.' } : {}),
    };
  if (s.type === 'array' && s.items?.type === 'string')
    return { kind: 'list', name, label, required, hint: 'Ein Eintrag pro Zeile.' };
  return { kind: 'json', name, label, required, hint: 'Als JSON.' };
}

export function fieldSpecs(template: TaskTemplate): FieldSpec[] {
  return schemaFieldSpecs(template.fields());
}

/** The fields of any object schema the API validates with (task fields, Betrieb events, the shutdown decision). */
export function schemaFieldSpecs(fields: z.ZodType): FieldSpec[] {
  const schema = z.toJSONSchema(fields, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return Object.entries(schema.properties ?? {}).map(([k, v]) => leaf(k, k, v, (schema.required ?? []).includes(k)));
}

export type Posted = Record<string, string | string[]>;

/** Posted form values (all as strings) back into the typed fields object the API expects. */
export function fieldsFromForm(specs: FieldSpec[], posted: Posted): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const one = (name: string) => {
    const v = posted[name];
    return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
  };
  for (const spec of specs) {
    const key = spec.name.split('.').pop()!;
    if (spec.kind === 'group') {
      out[key] = fieldsFromForm(spec.children, posted);
      continue;
    }
    const raw = one(spec.name).trim();
    switch (spec.kind) {
      case 'text':
      case 'date':
      case 'select':
        if (raw !== '' || spec.required) out[key] = raw === '' ? undefined : raw;
        break;
      case 'number':
        if (raw !== '') out[key] = Number.isNaN(Number(raw)) ? raw : Number(raw);
        break;
      case 'boolean':
        if (raw === 'ja') out[key] = true;
        else if (raw === 'nein') out[key] = false;
        break;
      case 'list':
        if (raw !== '' || spec.required)
          out[key] = raw
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter(Boolean);
        break;
      case 'multi': {
        const v = posted[spec.name];
        const list = Array.isArray(v) ? v : v ? [v] : [];
        if (list.length > 0 || spec.required) out[key] = list;
        break;
      }
      case 'json':
        if (raw !== '') {
          try {
            out[key] = JSON.parse(raw);
          } catch {
            out[key] = raw;
          }
        }
        break;
    }
  }
  return out;
}

export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

export function TaskFields({
  specs,
  values,
  errors,
}: {
  specs: FieldSpec[];
  values: Posted;
  errors: Record<string, string>;
}) {
  return (
    <>
      {specs.map((spec) => (
        <Field spec={spec} values={values} errors={errors} />
      ))}
    </>
  );
}

function Field({ spec, values, errors }: { spec: FieldSpec; values: Posted; errors: Record<string, string> }) {
  const id = fieldId(spec.name);
  if (spec.kind === 'group') {
    return (
      <fieldset>
        <legend>{spec.label}</legend>
        <TaskFields specs={spec.children} values={values} errors={errors} />
      </fieldset>
    );
  }
  const error = errors[spec.name];
  const value = values[spec.name];
  const str = Array.isArray(value) ? value.join('\n') : (value ?? '');
  const describedBy =
    [spec.hint ? `${id}-hinweis` : '', error ? `${id}-fehler` : ''].filter(Boolean).join(' ') || undefined;
  const label = `${spec.label}${spec.required ? '' : ' (optional)'}`;
  const hint = spec.hint ? (
    <span class="hint" id={`${id}-hinweis`}>
      {spec.hint}
    </span>
  ) : null;
  const err = error ? (
    <span class="error-text" id={`${id}-fehler`}>
      Fehler: {error}
    </span>
  ) : null;
  if (spec.kind === 'boolean' || spec.kind === 'multi') {
    const options = spec.kind === 'boolean' ? ['ja', 'nein'] : (spec.options ?? []);
    const chosen = Array.isArray(value) ? value : value ? [value] : [];
    return (
      <fieldset id={id} aria-describedby={describedBy}>
        <legend>{label}</legend>
        {hint}
        {err}
        {options.map((o, i) => (
          <label class="check" for={`${id}-${i}`}>
            <input
              id={`${id}-${i}`}
              type={spec.kind === 'boolean' ? 'radio' : 'checkbox'}
              name={spec.name}
              value={o}
              checked={chosen.includes(o)}
              required={spec.kind === 'boolean' && spec.required}
            />
            {spec.kind === 'boolean' ? (o === 'ja' ? 'Ja' : 'Nein') : humanize(o)}
          </label>
        ))}
      </fieldset>
    );
  }
  return (
    <div>
      <label for={id}>{label}</label>
      {hint}
      {err}
      {spec.kind === 'select' ? (
        <select
          id={id}
          name={spec.name}
          required={spec.required}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy}
        >
          <option value="">Bitte wählen</option>
          {(spec.options ?? []).map((o) => (
            <option value={o} selected={str === o}>
              {humanize(o)}
            </option>
          ))}
        </select>
      ) : spec.kind === 'list' || spec.kind === 'json' ? (
        <textarea
          id={id}
          name={spec.name}
          required={spec.required}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy}
        >
          {str}
        </textarea>
      ) : (
        <input
          id={id}
          name={spec.name}
          type={spec.kind === 'date' ? 'date' : spec.kind === 'number' ? 'number' : 'text'}
          value={str}
          required={spec.required}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy}
        />
      )}
    </div>
  );
}
