// A separate process that tries to take an environment lock: `lockChild.ts <projectDir> <env> <startAtMs> <holdMs>`.
// Prints `acquired <pid>` or `refused <message>`, then holds the lock for holdMs (or until killed).
import { acquireLock } from '../../src/core/operations/lock';

const [projectDir, environment, startAt, holdMs] = process.argv.slice(2);
setTimeout(() => {
  try {
    const lock = acquireLock(projectDir, environment, 'test deploy');
    process.stdout.write(`acquired ${process.pid}\n`);
    setTimeout(() => lock.release(), Number(holdMs));
  } catch (error) {
    process.stdout.write(`refused ${(error as Error).message}\n`);
  }
}, Math.max(0, Number(startAt) - Date.now()));
