// Migrations as code, in order. Add new ones at the end; never edit one that has landed.
import type { Migration } from 'kysely';
import * as m0001 from './0001_initial';
import * as m0002 from './0002_antrag';
import * as m0003 from './0003_lifecycle';
import * as m0014 from './0014_organisationseinheit_kommunikation';

export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_antrag': m0002,
  '0003_lifecycle': m0003,
  '0014_organisationseinheit_kommunikation': m0014,
};
