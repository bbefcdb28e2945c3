// The one door from the extension into the engine.
export * from '../core/config';
export { errorMessage } from '../core/common/errors';
