import crypto from 'node:crypto';
import path from 'node:path';

/** The repository root: the rig runs the real reference compose file from here. */
export const repoRoot = path.resolve(__dirname, '..', '..');
export const rigDir = path.join(repoRoot, '.rig');
export const composeFile = path.join(repoRoot, 'docker-compose-dual-env.yml');
export const envFile = path.join(repoRoot, '.env');
/**
 * One compose project per checkout (or per RIG_INSTANCE): two checkouts never share
 * database volumes, which were initialised with the passwords of one checkout's .env.
 */
export const projectName = `dual-env-rig-${process.env.RIG_INSTANCE || crypto.createHash('sha256').update(repoRoot).digest('hex').slice(0, 6)}`;

export const BASE_IMAGE = 'dual-env-rig/base:bookworm-1';
export const DATABASE_IMAGE = 'dual-env-rig/database:1';
/** Label on everything the rig creates, so that rig:down removes only that. */
export const RIG_LABEL = 'dual-env.rig';

/** The sample app's images as the rig names them, so rig:down never touches a user's own tags. */
export const APP_IMAGES = {
  STAGING_FRONTEND_IMAGE: `${projectName}/wms-frontend:staging`,
  STAGING_BACKEND_IMAGE: `${projectName}/wms-backend:staging`,
  PRODUCTION_FRONTEND_IMAGE: `${projectName}/wms-frontend:production`,
  PRODUCTION_BACKEND_IMAGE: `${projectName}/wms-backend:production`,
};
