// Migrations as code, in order. Add new ones at the end; never edit one that has landed.
import type { Migration } from 'kysely';
import * as m0001 from './0001_initial';
import * as m0002 from './0002_antrag';
import * as m0003 from './0003_lifecycle';
import * as m0012 from './0012_transfer_abholung';
import * as m0013 from './0013_formular';

export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_antrag': m0002,
  '0003_lifecycle': m0003,
  '0012_transfer_abholung': m0012,
  '0013_formular': m0013,
};
