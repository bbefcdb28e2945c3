export * from './model';
export { DEFAULT_COMPOSE_FILE, loadConfig, parseConfig, normaliseProjectName } from './loadConfig';
export { assertIsolated, checkIsolation, type IsolationFinding } from './isolation';
export { interpolate, parseDotEnv, loadVariables, MissingVariableError } from './interpolate';
export { composeOnlyPasswords, declaredPasswordVariables, secretsOf, withStoredPasswords } from './secrets';
export { databaseCredentials, secretKey, type DatabaseCredentials, type SecretSource } from './credentials';
export { checklistOf, DEFAULT_LOG_PATTERNS } from './checklistConfig';
export { requiredButUnset } from './requiredVariables';
