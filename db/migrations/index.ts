// Migrations as code, in order. Add new ones at the end; never edit one that has landed.
import type { Migration } from 'kysely';
import * as m0001 from './0001_initial';
import * as m0002 from './0002_antrag';
import * as m0003 from './0003_lifecycle';
import * as m0010 from './0010_fitconnect_callback';
import * as m0011 from './0011_stoerung';
import * as m0012 from './0012_transfer_abholung';
import * as m0013 from './0013_formular';
import * as m0014 from './0014_organisationseinheit_kommunikation';
import * as m0017 from './0017_entwurf';
import * as m0019 from './0019_aufgabe_notiz';
import * as m0021 from './0021_oe_zustellkanal';
import * as m0022 from './0022_annahme_limit';

export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_antrag': m0002,
  '0003_lifecycle': m0003,
  '0010_fitconnect_callback': m0010,
  '0011_stoerung': m0011,
  '0012_transfer_abholung': m0012,
  '0013_formular': m0013,
  '0014_organisationseinheit_kommunikation': m0014,
  '0017_entwurf': m0017,
  '0019_aufgabe_notiz': m0019,
  '0021_oe_zustellkanal': m0021,
  '0022_annahme_limit': m0022,
};
