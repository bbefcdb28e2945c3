import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig, requiredButUnset } from '../../../src/core/config';
import { describeInterpolationProblem } from '../../../src/core/operations/composeInterpolation';

const file = path.join(os.tmpdir(), 'dual-env-interpolation.yml');
const text = [
  'x-dual-env:',
  '  environments:',
  '    staging:',
  '      services: [staging-db]',
  '      database: { service: staging-db, name: s, user: u, passwordVariable: STAGING_DB_PASSWORD, rootPasswordVariable: STAGING_DB_ROOT_PASSWORD }',
  '    production:',
  '      services: [production-db]',
  '      database: { service: production-db, name: p, user: u, passwordVariable: PRODUCTION_DB_PASSWORD, rootPasswordVariable: PRODUCTION_DB_ROOT_PASSWORD }',
  'services:',
  '  staging-db:',
  '    image: mysql',
  '    environment:',
  '      MYSQL_PASSWORD: ${STAGING_DB_PASSWORD:?set it}',
  '      MYSQL_ROOT_PASSWORD: ${STAGING_DB_ROOT_PASSWORD?}',
  '  production-db:',
  '    image: mysql',
  '    # ${COMMENTED:?not a requirement}',
  '    environment:',
  '      MYSQL_PASSWORD: ${PRODUCTION_DB_PASSWORD:?set it}',
  '      LITERAL: $${NOT_A_VARIABLE:?}',
  '      API_TOKEN: ${API_TOKEN:?}',
  '      TAG: ${TAG:-latest}',
  '',
].join('\n');
const config = parseConfig(text, file, { env: {} });
const [staging, production] = config.environments;

describe('requiredButUnset', () => {
  it('names the variables the file requires and does not get, in the order it names them', () => {
    assert.deepEqual(requiredButUnset(text, {}), ['STAGING_DB_PASSWORD', 'STAGING_DB_ROOT_PASSWORD', 'PRODUCTION_DB_PASSWORD', 'API_TOKEN']);
  });

  it('follows Compose: `:?` needs a value, `?` only needs the variable set; comments and $$ are no requirement', () => {
    assert.deepEqual(requiredButUnset(text, { STAGING_DB_PASSWORD: '', STAGING_DB_ROOT_PASSWORD: '', PRODUCTION_DB_PASSWORD: 'x', API_TOKEN: 'y' }), ['STAGING_DB_PASSWORD']);
    assert.deepEqual(requiredButUnset(text, { STAGING_DB_PASSWORD: 'a', STAGING_DB_ROOT_PASSWORD: '', PRODUCTION_DB_PASSWORD: 'x', API_TOKEN: 'y' }), []);
  });
});

describe('describeInterpolationProblem', () => {
  it('names a missing password and its environment in one sentence, with Set Database Password for it', () => {
    const problem = describeInterpolationProblem(config, production, ['PRODUCTION_DB_PASSWORD'], 'required variable PRODUCTION_DB_PASSWORD is missing a value');
    assert.equal(problem.message, `Compose cannot read ${file} for Production: PRODUCTION_DB_PASSWORD (Production's database password) is not set; nothing was changed.`);
    assert.deepEqual(problem.remedies, [{ kind: 'setDatabasePassword', environment: 'production', variable: 'PRODUCTION_DB_PASSWORD' }]);
  });

  it('puts the environment operated on first, names every missing one, and offers the first password', () => {
    const problem = describeInterpolationProblem(config, production, ['STAGING_DB_ROOT_PASSWORD', 'API_TOKEN', 'PRODUCTION_DB_PASSWORD'], '');
    assert.equal(problem.message, `Compose cannot read ${file} for Production: PRODUCTION_DB_PASSWORD (Production's database password), STAGING_DB_ROOT_PASSWORD (Staging's database root password) and API_TOKEN are not set; define API_TOKEN in the environment or in .env beside it; nothing was changed.`);
    assert.deepEqual(problem.remedies, [{ kind: 'setDatabasePassword', environment: 'production', variable: 'PRODUCTION_DB_PASSWORD' }]);
    // staging's deploy needs production's passwords too (Compose reads the whole file), and offers them for production
    assert.deepEqual(describeInterpolationProblem(config, staging, ['PRODUCTION_DB_PASSWORD'], '').remedies, [{ kind: 'setDatabasePassword', environment: 'production', variable: 'PRODUCTION_DB_PASSWORD' }]);
  });

  it('gives no remedy for a variable that is no database password', () => {
    const problem = describeInterpolationProblem(config, staging, ['API_TOKEN'], '');
    assert.match(problem.message, /: API_TOKEN is not set; define API_TOKEN in the environment or in \.env beside it; nothing was changed\.$/);
    assert.deepEqual(problem.remedies, []);
  });

  it('repeats Compose\'s last line when it names no variable', () => {
    const problem = describeInterpolationProblem(config, staging, [], 'some warning\nservices.x Additional property foo is not allowed\n');
    assert.equal(problem.message, `Compose cannot read ${file} (services.x Additional property foo is not allowed); nothing was changed.`);
    assert.deepEqual(problem.remedies, []);
  });
});
