/**
 * Branch policy of an environment: a glob such as `stable/prisma-mysql-*` or `*`.
 * `*` matches any run of characters (slashes included, so `release/*` covers
 * `release/2026/11`), `?` exactly one; everything else is literal.
 */
export function branchMatches(pattern: string, branch: string): boolean {
  const source = [...pattern].map((char) => {
    if (char === '*') return '.*';
    if (char === '?') return '.';
    return char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }).join('');
  return new RegExp(`^${source}$`, 's').test(branch);
}
