// Reading package.json keeps one source of truth; the named import lets esbuild keep
// only this field instead of the whole manifest in dist/cli.js.
import { version as packageVersion } from '../../package.json';

export const version: string = packageVersion;
