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
export const checkoutProject = `dual-env-rig-${process.env.RIG_INSTANCE || crypto.createHash('sha256').update(repoRoot).digest('hex').slice(0, 6)}`;

/** The database servers the rig runs: the reference stack's MySQL and MariaDB, each in an image behaving like the official one. */
export const DATABASE_SERVERS = {
  mysql: { image: 'dual-env-rig/mysql:9-2', label: 'MySQL 9', stockClient: 'mysql', stockDump: 'mysqldump' },
  mariadb: { image: 'dual-env-rig/mariadb:10.11-3', label: 'MariaDB 10.11', stockClient: 'mariadb', stockDump: 'mariadb-dump' },
} as const;
export type DatabaseServerKind = keyof typeof DATABASE_SERVERS;

/**
 * The server the reference stack's databases run on: MySQL, as the reference
 * compose file says, unless RIG_DATABASE=mariadb. Each server gets a compose
 * project of its own, since the two cannot read each other's data volumes.
 */
export const stackServer: DatabaseServerKind = process.env.RIG_DATABASE === 'mariadb' ? 'mariadb' : 'mysql';
export const projectName = stackServer === 'mysql' ? checkoutProject : `${checkoutProject}-${stackServer}`;
/** Every compose project this checkout's rig may have made, whatever the server. */
export const checkoutProjects = [checkoutProject, ...Object.keys(DATABASE_SERVERS).filter((k) => k !== 'mysql').map((k) => `${checkoutProject}-${k}`)];

export const BASE_IMAGE = 'dual-env-rig/base:bookworm-1';
/** Debian sid's root file system with mysql-server, which the MySQL image is built from. */
export const MYSQL_ROOT_IMAGE = 'dual-env-rig/mysql-root:sid-1';
/** Label on everything the rig creates, so that rig:down removes only that. */
export const RIG_LABEL = 'dual-env.rig';

/** The sample app's images as the rig names them, so rig:down never touches a user's own tags. */
export const APP_IMAGES = {
  STAGING_FRONTEND_IMAGE: `${projectName}/wms-frontend:staging`,
  STAGING_BACKEND_IMAGE: `${projectName}/wms-backend:staging`,
  PRODUCTION_FRONTEND_IMAGE: `${projectName}/wms-frontend:production`,
  PRODUCTION_BACKEND_IMAGE: `${projectName}/wms-backend:production`,
};
