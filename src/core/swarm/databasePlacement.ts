// What makes a stack's service a database Dual Env can deploy beside and back up on
// Swarm: one replica (two tasks would be two databases), pinned to a node by a placement
// constraint (a task Swarm moves elsewhere would start on an empty volume there), and
// its data in a named volume (a task's own file system goes with the task). Pure: it
// reads the compose document the deploy renders its stack file from.

type Mapping = Record<string, unknown>;
const isMapping = (value: unknown): value is Mapping => typeof value === 'object' && value !== null && !Array.isArray(value);
const mapping = (value: unknown): Mapping => (isMapping(value) ? value : {});

/** A volume entry that is a named volume: `name:/path[:mode]` or `{ type: volume, source: name }`. */
function isNamedVolume(entry: unknown): boolean {
  if (typeof entry === 'string') {
    const source = entry.split(':')[0];
    return entry.includes(':') && source !== '' && !/^[./~]/.test(source);
  }
  const volume = mapping(entry);
  return (volume.type ?? 'volume') === 'volume' && typeof volume.source === 'string' && volume.source !== '';
}

const volumeSource = (entry: unknown): string | undefined =>
  !isNamedVolume(entry) ? undefined : typeof entry === 'string' ? entry.split(':')[0] : (mapping(entry).source as string);

/**
 * The names the engine gives the database service's named volumes in `stack`: the
 * top-level entry's `name:` when it has one, else `<stack>_<volume>` as `docker stack
 * deploy` names them.
 */
export function databaseVolumeNames(document: Mapping, service: string, stack: string): string[] {
  const definition = mapping(mapping(document.services)[service]);
  const volumes = Array.isArray(definition.volumes) ? definition.volumes : [];
  const declared = mapping(document.volumes);
  return volumes.map(volumeSource).filter((source): source is string => Boolean(source)).map((source) => {
    const name = mapping(declared[source]).name;
    return typeof name === 'string' && name !== '' ? name : `${stack}_${source}`;
  });
}

/**
 * Why the compose file's `service` cannot be the database of a Swarm environment, as
 * the end of a sentence naming it; undefined when it is a single replica pinned to a
 * node with a named volume.
 */
export function databasePlacementProblem(document: Mapping, service: string): string | undefined {
  const definition = mapping(mapping(document.services)[service]);
  const deploy = mapping(definition.deploy);
  if (deploy.mode === 'global') return 'runs in global mode, one task per node; a database must be a single replica (deploy: replicas: 1)';
  if (typeof deploy.replicas === 'number' && deploy.replicas !== 1) return `asks for ${deploy.replicas} replicas; a database must be a single replica (deploy: replicas: 1)`;
  const constraints = mapping(deploy.placement).constraints;
  if (!Array.isArray(constraints) || constraints.length === 0) {
    return 'is not pinned to a node, so Swarm could start it on another node with an empty volume; add a placement constraint (deploy: placement: constraints: [node.hostname == …])';
  }
  const volumes = Array.isArray(definition.volumes) ? definition.volumes : [];
  if (!volumes.some(isNamedVolume)) return 'keeps its data in no named volume, so the data would go with its task; mount a named volume on its data directory';
  return undefined;
}
