// What a production deploy of a Swarm environment asks to be confirmed: the release
// (branch, commit, changes, checklist, as the Compose path) and, per service, how
// Swarm will roll it: start-first or stop-first and why, replicas, the automatic
// rollback of a service whose new tasks fail their health check.
import { checklistLine } from '../operations/checklist';
import type { ReleaseChecks } from '../operations/deployPreflight';
import type { SwarmServicePlan } from './stackFile';

export interface SwarmDeployPlan extends ReleaseChecks {
  kind: 'swarm';
  environment: string;
  label: string;
  stack: string;
  /** The registry the images are pushed to and the nodes pull from. */
  registry: string;
  /** The engine the images are built on and the stack deployed through: the manager. */
  manager: string;
  services: SwarmServicePlan[];
  healthTimeoutSeconds: number;
  /** Said in the confirmation: the verified backup taken first through the database's node, or why none is taken. */
  backup: string;
}

const listed = (files: string[]) => files.slice(0, 5).join(', ') + (files.length > 5 ? ` and ${files.length - 5} more` : '');

function serviceLine(plan: SwarmDeployPlan, service: SwarmServicePlan): string {
  const replicas = service.replicas === 'global' ? 'one task on each eligible node' : `${service.replicas} replica${service.replicas === 1 ? '' : 's'}`;
  const what = service.built ? `built and pushed as ${plan.registry}/${plan.stack}/${service.service}:${plan.commit.shortHash}…` : 'its image as the file names it';
  const order = service.order === 'start-first'
    ? 'start-first: each new task starts beside an old one, which stops once the new one is healthy'
    : `stop-first${service.why ? ` (${service.why})` : ''}: each old task stops before its new one starts, so that service runs one task fewer meanwhile${service.replicas === 1 ? ' (with 1 replica: it is away until the new task is healthy)' : ''}`;
  return `  ${service.service}: ${what}; ${replicas}; ${order}.`;
}

/** The plan as lines for a terminal prompt or a modal. */
export function describeSwarmPlan(plan: SwarmDeployPlan): string {
  return [
    `Deploy ${plan.branch} @ ${plan.commit.shortHash} (${plan.commit.subject}) to ${plan.label}: the Swarm stack ${plan.stack} through ${plan.manager}.`,
    ...(plan.toCommit ? [`First commit ${plan.toCommit.files.length} changed file(s) (${listed(plan.toCommit.files)}) as "${plan.toCommit.message}".`] : []),
    plan.since ? `${plan.changes.length} commit(s) since ${plan.since}:` : `First production deploy; ${plan.changes.length} commit(s) on the branch:`,
    ...plan.changes.slice(0, 10).map((c) => `  ${c.shortHash} ${c.subject} (${c.author})`),
    ...(plan.changes.length > 10 ? [`  … and ${plan.changes.length - 10} more`] : []),
    plan.backup,
    `Images are built on the manager and pushed to ${plan.registry}; the stack changes only once every push succeeded. Rolling update, one task at a time:`,
    ...plan.services.map((service) => serviceLine(plan, service)),
    `A service whose new tasks fail their health check is rolled back by Swarm itself to the version it ran; the deploy waits up to ${plan.healthTimeoutSeconds} s for every new task to run healthy.`,
    ...(plan.checklist.length > 0 ? ['Pre-production checklist, run against staging:', ...plan.checklist.map((item) => `  ${checklistLine(item)}`)] : []),
  ].join('\n');
}
