// A separate process that takes an environment's lock as a deploy would, and holds it until
// killed: `serverLockChild.ts <composeFile> <env>`. Prints `acquired <pid>` or `refused <message>`.
import { loadConfig } from '../../src/core/config';
import { acquireEnvironmentLock } from '../../src/core/operations/environmentLock';

const [composeFile, environmentName] = process.argv.slice(2);
const config = loadConfig(composeFile);
const environment = config.environments.find((e) => e.name === environmentName)!;
acquireEnvironmentLock(config, environment, 'deploy held by a test').then(() => {
  process.stdout.write(`acquired ${process.pid}\n`);
  // holds the lock until killed, as a deploy whose laptop was shut would
  setInterval(() => undefined, 60_000);
}, (error: unknown) => {
  process.stdout.write(`refused ${(error as Error).message}\n`);
});
