// runProcess's children and the signals around them: a terminal's signal to the
// caller's process group must not reach them; a cancel must end all they started.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError } from '../../../src/core/common/errors';
import { runProcess } from '../../../src/core/common/process';

const processModule = path.resolve(__dirname, '../../../src/core/common/process.ts');

/** Whether a pid names a process that still runs (a zombie waiting for its reaper does not). */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('runProcess and signals', { skip: process.platform === 'win32' && 'process groups are POSIX' }, () => {
  it('lets a child finish when the terminal signals the caller\'s process group, as Ctrl-C and a hang-up do', async () => {
    for (const signal of ['SIGINT', 'SIGHUP'] as const) {
      // the caller, like the CLI past its point of no return, keeps going on the signal
      const caller = `
        process.on('SIGINT', () => console.log('caller got SIGINT'));
        process.on('SIGHUP', () => console.log('caller got SIGHUP'));
        const loaded = await import(${JSON.stringify(processModule)});
        const { runProcess } = loaded.default ?? loaded;
        const result = await runProcess('sh', ['-c', 'echo started; sleep 1; echo finished'], { onLine: (line) => console.log(line) });
        console.log('exit', result.exitCode);`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', caller], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
      let output = '';
      child.stdout.on('data', (data: Buffer) => { output += data.toString(); });
      let exited = false;
      const closed = new Promise<number | null>((resolve) => child.once('close', (code) => { exited = true; resolve(code); }));
      const deadline = Date.now() + 15_000;
      while (!output.includes('started') && !exited && Date.now() < deadline) await sleep(20);
      assert.match(output, /started/);
      process.kill(-child.pid!, signal);
      assert.equal(await closed, 0);
      assert.deepEqual(output.trim().split('\n'), ['started', `caller got ${signal}`, 'finished', 'exit 0'], `after ${signal}`);
    }
  });

  it('ends a cancelled child together with the processes it started', async () => {
    const controller = new AbortController();
    let grandchild = 0;
    const run = runProcess('sh', ['-c', 'sleep 30 & echo $!; wait'], {
      signal: controller.signal,
      onLine: (line) => { grandchild = Number(line); controller.abort(); },
    });
    await assert.rejects(run, CancelledError);
    assert.ok(grandchild > 0);
    const deadline = Date.now() + 5_000;
    while (running(grandchild) && Date.now() < deadline) await sleep(20);
    assert.equal(running(grandchild), false, `the child's own child (sleep, pid ${grandchild}) was left running`);
  });

  it('starts a child again that a terminal signal killed before it wrote anything, as one caught between fork and setsid is', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-spawn-'));
    try {
      const runs = path.join(dir, 'runs');
      // dies of SIGHUP, silent, on its first run only
      const script = 'echo run >> "$0"; if [ "$(wc -l < "$0")" -eq 1 ]; then kill -HUP $$; fi; echo ran';
      const result = await runProcess('sh', ['-c', script, runs]);
      assert.deepEqual([result.exitCode, result.stdout], [0, 'ran\n']);
      assert.equal(fs.readFileSync(runs, 'utf8'), 'run\nrun\n');

      // one that had begun its work (it wrote) is not run again
      const loud = path.join(dir, 'loud');
      const once = await runProcess('sh', ['-c', 'echo run >> "$0"; echo working; kill -INT $$', loud]);
      assert.equal(once.exitCode, 1);
      assert.equal(fs.readFileSync(loud, 'utf8'), 'run\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is refused at once when already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(runProcess('sh', ['-c', 'exit 0'], { signal: controller.signal }), CancelledError);
  });
});
