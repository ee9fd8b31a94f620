import type { TestProject } from 'vitest/node';
import { startPgServer, type PgServer } from './helpers/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

let server: PgServer | null = null;

/** One PostgreSQL server for the whole run; each test file makes its own database in it. */
export async function setup(project: TestProject): Promise<void> {
  server = await startPgServer();
  project.provide('pgAdminUrl', server.adminUrl);
}

export async function teardown(): Promise<void> {
  await server?.dispose();
  server = null;
}
