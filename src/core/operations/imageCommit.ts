// The commit an environment's images were built from, carried by the images
// themselves. A deploy history says it too, but a history can be missing (a
// checkout that never deployed, production started by hand, a file deleted);
// the images that run are always there.
import type Docker from 'dockerode';

/** Put on every image a production deploy builds: the commit its build contexts were exported from. */
export const COMMIT_LABEL = 'dual-env.commit';

/**
 * The commit the images were built from, when every one of them says the same;
 * undefined when one was not built by a production deploy (a staging build, a
 * hand-made image) or they disagree, since a half-known version is not known.
 */
export async function commitOfImages(docker: Docker, imageIds: readonly string[]): Promise<string | undefined> {
  if (imageIds.length === 0) return undefined;
  const commits = new Set<string | undefined>();
  for (const id of imageIds) {
    const labels = await docker.getImage(id).inspect().then((image) => image.Config?.Labels ?? {}, () => ({} as Record<string, string>));
    commits.add(labels[COMMIT_LABEL] || undefined);
  }
  const [only] = commits;
  return commits.size === 1 ? only : undefined;
}
