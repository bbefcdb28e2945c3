import { DatabaseError } from './errors';

/**
 * The oldest servers whose catalogue and SQL the backup relies on:
 * information_schema's GENERATION_EXPRESSION and CAST(… AS DOUBLE) (MySQL
 * 8.0.17), sequences and invisible columns (MariaDB 10.3).
 */
const OLDEST = { MySQL: [8, 0, 17], MariaDB: [10, 3, 0] } as const;

export interface ServerKind {
  product: keyof typeof OLDEST;
  version: number[];
}

/** What `SELECT VERSION()` says, as product and version (`10.11.19-MariaDB-0+deb12u1`, `9.7.4-2`). */
export function parseServerVersion(text: string): ServerKind {
  const version = (/^(\d+)\.(\d+)\.(\d+)/.exec(text) ?? []).slice(1).map(Number);
  return { product: /mariadb/i.test(text) ? 'MariaDB' : 'MySQL', version: version.length === 3 ? version : [0, 0, 0] };
}

function older(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/** Refuses, in one sentence, a server the backup cannot account for fully. */
export function assertSupportedServer(versionText: string, where: string): ServerKind {
  const server = parseServerVersion(versionText);
  const oldest = OLDEST[server.product];
  if (older(server.version, oldest)) {
    throw new DatabaseError(
      `${where} runs ${server.product} ${versionText}, which Dual Env does not support: it backs up MySQL ${OLDEST.MySQL.join('.')} or newer and MariaDB ${OLDEST.MariaDB.join('.')} or newer; nothing was changed.`,
    );
  }
  return server;
}
