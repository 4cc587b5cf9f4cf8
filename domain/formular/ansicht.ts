// What the Antrag PDF and the authority's view need of a form: title, version and the labels of the top-level
// fields by section, in form order.
import type { Definition } from './format';

export interface FormularAnsicht {
  version: string;
  titel: string;
  abschnitte: { titel: string; felder: Record<string, string> }[];
}

export function formularAnsicht(def: Pick<Definition, 'titel' | 'abschnitte'>, version: string): FormularAnsicht {
  return {
    version,
    titel: def.titel,
    abschnitte: def.abschnitte.map((a) => ({
      titel: a.titel,
      felder: Object.fromEntries(a.felder.map((f) => [f.id, f.label ?? f.id])),
    })),
  };
}
