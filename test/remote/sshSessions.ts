// What the rig's server sees of SSH: logins counted in its sshd log, and the sshd
// processes serving each connection (to drop connections as a server would).
import fs from 'node:fs';
import path from 'node:path';
import type { RemoteServer } from '../rig';

/** Logins the server's sshd has accepted since it started (`LogLevel INFO` logs each one). */
export function sshLoginsOnServer(server: RemoteServer): number {
  const log = fs.readFileSync(path.join(server.names.dir, 'sshd.log'), 'utf8');
  return log.split('\n').filter((line) => line.startsWith('Accepted publickey for ')).length;
}

/** The server's per-connection sshd processes (children of its listener); ending one drops that connection. */
export function sshdSessionPids(server: RemoteServer): number[] {
  const listener = Number(fs.readFileSync(path.join(server.names.dir, 'server', 'sshd.pid'), 'utf8').trim());
  return childrenOf(listener);
}

export function childrenOf(parent: number): number[] {
  return fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** Resolves once `check` holds; no deadline of its own (the test's timeout is the bound). */
export async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 50));
}
