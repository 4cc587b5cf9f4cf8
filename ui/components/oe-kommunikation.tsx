// The Kommunikation of an Organisationseinheit as form fields: the same on the Mandant's "anlegen" form and on
// the OE's own page, so citizens' contact data is entered one way everywhere.
import { CheckField, TextField, type formView } from './form';

export function OeKommunikationFelder({ view }: { view: ReturnType<typeof formView> }) {
  return (
    <>
      <TextField {...view.field('email')} label="E-Mail-Adresse" type="email" />
      <TextField {...view.field('telefon')} label="Telefon" type="tel" />
      <CheckField
        {...view.field('veroeffentlicht')}
        label="Für Bürgerinnen und Bürger veröffentlichen"
        checked={view.values.veroeffentlicht === 'ja'}
      />
    </>
  );
}
