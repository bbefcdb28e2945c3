// The titles of the extension-host suite's tests, read without a VS Code: mocha
// loads the built suite files with `vscode` answered by an inert stand-in (the
// files only declare suites and tests at load time), and lists every test. The
// driver reports each of them once, and every one as failed when the host never ran.
import Module from 'node:module';
import path from 'node:path';
import Mocha from 'mocha';

/** Answers any property read, call or construction with itself: enough for a file that only declares tests. */
function inert(): unknown {
  const stand: unknown = new Proxy(function stand() { /* inert */ }, {
    get: (_target, key) => (key === Symbol.toPrimitive ? () => '' : stand),
    apply: () => stand,
    construct: () => stand as object,
  });
  return stand;
}

type Resolver = (request: string, ...rest: unknown[]) => string;

export function plannedTests(files: readonly string[]): string[] {
  const moduleApi = Module as unknown as { _resolveFilename: Resolver; _cache: Record<string, unknown> };
  const stubPath = path.join(path.dirname(files[0] ?? '.'), '__vscode_stand_in__.js');
  const resolve = moduleApi._resolveFilename;
  moduleApi._resolveFilename = (request, ...rest) => (request === 'vscode' ? stubPath : resolve(request, ...rest));
  moduleApi._cache[stubPath] = { id: stubPath, filename: stubPath, loaded: true, exports: inert() };
  try {
    const mocha = new Mocha({ ui: 'tdd' });
    for (const file of files) mocha.addFile(file);
    // public in mocha, but not in its type definitions
    (mocha as unknown as { loadFiles(): void }).loadFiles();
    const titles: string[] = [];
    const walk = (suite: Mocha.Suite) => {
      for (const test of suite.tests) titles.push(test.fullTitle());
      for (const child of suite.suites) walk(child);
    };
    walk(mocha.suite);
    return titles;
  } finally {
    moduleApi._resolveFilename = resolve;
    delete moduleApi._cache[stubPath];
    for (const file of files) delete moduleApi._cache[require.resolve(file)];
  }
}
