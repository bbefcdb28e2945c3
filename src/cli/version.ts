// Replaced at bundle time would be nicer; reading package.json keeps one source of truth.
import pkg from '../../package.json';

export const version: string = pkg.version;
