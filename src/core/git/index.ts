export { branchMatches } from './branchPolicy';
export * from './repository';
