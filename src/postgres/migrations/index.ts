import { MIGRATION_001 } from './001_init.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Applied in order, each once, each in its own transaction. Never edit one that shipped: add the next. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'init', sql: MIGRATION_001 }];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
