import * as vscode from 'vscode';
import type { DeployPlan } from '../../core/operations/deployPreflight';
import type { SwarmDeployPlan } from '../../core/swarm/swarmDeployPlan';
import type { RollbackPlan } from '../../core/operations/rollbackProduction';
import type { CommandFactory, Ctx, Target } from '../context';
import { backupPlaceFor } from '../backupPlace';
import { browserUrl, browserUrlProblem } from '../browserUrl';
import { loadEngine } from '../engineLoader';
import { l10n } from '../l10n';
import { productionOnly, stagingOnly } from '../environmentChoice';
import { operationDeps } from '../operationDeps';
import type { TreeNode } from '../tree/environmentsTree';
import { backupTime } from '../tree/backups/backupItem';
import { remedyRequest } from '../remedyActions';

const untrustedDeploy = () => l10n.t('Dual Env does not deploy in an untrusted workspace: it would run Compose and git from this folder. Trust the folder (Manage Workspace Trust) first.');

async function confirmDeploy(ctx: Ctx, target: Target, plan: DeployPlan | SwarmDeployPlan): Promise<boolean> {
  const engine = await loadEngine();
  const label = ctx.labelOf(target);
  return ctx.userInput.confirm(l10n.t('Deploy {0} @ {1} to {2}?', plan.branch, plan.commit.shortHash, label), {
    detail: 'kind' in plan ? engine.describeSwarmPlan(plan) : engine.describePlan(plan),
    confirm: l10n.t('Deploy to {0}', label),
  });
}

async function confirmRollback(ctx: Ctx, target: Target, plan: RollbackPlan): Promise<boolean> {
  const engine = await loadEngine();
  const label = ctx.labelOf(target);
  return ctx.userInput.confirm(l10n.t('Roll {0} back to backup {1}?', label, backupTime(plan.backup.id)), {
    detail: engine.describeRollbackPlan(plan),
    confirm: l10n.t('Roll Back {0}', label),
  });
}

/** Rolls production back; `backupId` undefined means the core's default (the last deploy's backup). */
async function rollback(ctx: Ctx, target: Target, backupId: string | undefined): Promise<void> {
  const { environment } = target;
  if (ctx.refuseIfUntrusted(l10n.t('Dual Env does not roll production back in an untrusted workspace: it would run Compose and a restore from this folder. Trust the folder (Manage Workspace Trust) first.'))) return;
  const engine = await loadEngine();
  const deps = await operationDeps(ctx, target);
  const result = await ctx.withProgress(l10n.t('Roll Back {0}', environment.label), (signal, onProgress) =>
    (environment.swarm ? engine.rollbackSwarmProduction : engine.rollbackProduction)(deps, { environment: environment.name, backupId, confirm: (plan) => confirmRollback(ctx, target, plan) }, signal, onProgress));
  ctx.tree.refreshBackups();
  if (result.outcome === 'declined') {
    ctx.log.info('Rollback not confirmed; nothing was changed.');
    return;
  }
  void vscode.window.showInformationMessage(l10n.t('{0} is back at backup {1} and healthy.', environment.label, result.plan.backup.id));
}

export const deployStaging: CommandFactory = (ctx) => async (arg?: unknown) => {
  if (ctx.refuseIfUntrusted(untrustedDeploy())) return;
  const target = await ctx.environmentOf(arg, l10n.t('Deploy to Staging'), stagingOnly);
  if (!target) return;
  const { environment } = target;
  const engine = await loadEngine();
  const deps = await operationDeps(ctx, target);
  const result = await ctx.withProgress(l10n.t('Deploy to {0}', environment.label), (signal, onProgress) =>
    engine.deployStaging(deps, { environment: environment.name }, signal, onProgress));
  const done = !result.commit ? l10n.t('Deployed the working tree to {0}.', environment.label)
    : result.dirty ? l10n.t('Deployed {0} with uncommitted changes to {1}.', result.commit.slice(0, 7), environment.label)
      : l10n.t('Deployed {0} to {1}.', result.commit.slice(0, 7), environment.label);
  // offered only for a web page: the url comes from the compose file, which may not be the user's own
  const page = { label: environment.label, url: result.url };
  const openInBrowser = l10n.t('Open in Browser');
  const open = browserUrlProblem(page) ? undefined : await vscode.window.showInformationMessage(done, openInBrowser);
  if (open === openInBrowser) await vscode.env.openExternal(vscode.Uri.parse(browserUrl(page)));
};

/**
 * Deploy to Production: the core checks branch, tree and staging, then asks through
 * a modal that shows the plan; Cancel changes nothing. A verified backup comes first.
 */
export const deployProduction: CommandFactory = (ctx) => deployToProduction(ctx, false);

/**
 * Deploy to Production in a Maintenance Window: the same deploy, but the old version
 * is stopped before the new one starts, for a schema change the old version cannot
 * run beside; the modal's plan says so, and that production is away meanwhile.
 */
export const deployProductionInMaintenanceWindow: CommandFactory = (ctx) => deployToProduction(ctx, true);

const deployToProduction = (ctx: Ctx, maintenanceWindow: boolean) => async (arg?: unknown) => {
  if (ctx.refuseIfUntrusted(untrustedDeploy())) return;
  const title = maintenanceWindow ? l10n.t('Deploy to Production in a Maintenance Window') : l10n.t('Deploy to Production');
  const target = await ctx.environmentOf(arg, title, productionOnly);
  if (!target) return;
  const { project, environment } = target;
  // from the uncommitted-changes refusal: the changes are committed as part of the deploy, with this message
  let message: string | undefined;
  if (remedyRequest(arg)?.askMessage) {
    message = await ctx.userInput.input({ title: l10n.t('Commit and Deploy to Production'), prompt: l10n.t('Commit message for the uncommitted changes, committed as part of the deploy') });
    if (!message?.trim()) return;
  }
  if (environment.swarm) {
    await deploySwarm(ctx, target, message, maintenanceWindow);
    return;
  }
  const engine = await loadEngine();
  const deps = await operationDeps(ctx, target);
  try {
    const result = await ctx.withProgress(l10n.t('Deploy to {0}', environment.label), (signal, onProgress) =>
      engine.deployProduction(deps, {
        environment: environment.name,
        message,
        autoRollback: project.settings.autoRollback,
        maintenanceWindow,
        // the modal shows a staging-first warning; the person decides
        stagingFirst: 'ask',
        confirm: (plan) => confirmDeploy(ctx, target, plan),
      }, signal, onProgress));
    ctx.tree.refreshBackups();
    if (result.outcome === 'declined') {
      ctx.log.info('Deploy to production not confirmed; nothing was changed.');
    } else if (result.outcome === 'succeeded') {
      void vscode.window.showInformationMessage(l10n.t('Deployed {0} to {1} (tag {2}, backup {3}).', result.commit?.slice(0, 7) ?? '', environment.label, result.tag ?? '', result.backup?.id ?? ''));
    } else {
      await ctx.showFailure(new Error(l10n.t('The deploy to {0} failed and was rolled back: {1}', environment.label, result.error ?? '')), project);
    }
  } catch (error) {
    ctx.tree.refreshBackups();
    // the error's remedies say what to offer: Roll Back only where production changed, Deploy to Staging, Show Logs…
    await ctx.showFailure(error, project);
  }
};

/** Roll Back Production…: a quick pick of the verified backups, or the backup the tree row stands for. */
export const rollbackProduction: CommandFactory = (ctx) => async (arg?: unknown) => {
  const node = arg as TreeNode | undefined;
  if (node?.kind === 'backup') {
    await rollback(ctx, node, node.backup.id);
    return;
  }
  const request = remedyRequest(arg);
  if (request?.backupId) {
    const target = await ctx.environmentOf(request, l10n.t('Roll Back Production'), productionOnly);
    if (target) await rollback(ctx, target, request.backupId);
    return;
  }
  const target = await ctx.environmentOf(arg, l10n.t('Roll Back Production'), productionOnly);
  if (!target) return;
  const { environment } = target;
  const place = await backupPlaceFor(target.project, environment);
  const backups = (await place.list()).filter((b) => b.verified);
  if (backups.length === 0) throw new Error(l10n.t('There is no verified backup of {0} in {1} to roll back to.', environment.label, place.where));
  const picked = await ctx.userInput.pick(backups.map((backup) => ({
    label: backupTime(backup.id),
    description: [backup.gitCommit?.slice(0, 7), backup.reason].filter(Boolean).join(' · '),
    backup,
  })), { title: l10n.t('Roll Back {0}', environment.label), placeHolder: l10n.t('Backup to roll back to') });
  if (picked) await rollback(ctx, target, picked.backup.id);
};

/** A Swarm environment's production deploy: Swarm rolls each service and rolls it back itself, so there is no maintenance window or rollback of ours to choose. */
async function deploySwarm(ctx: Ctx, target: Target, message: string | undefined, maintenanceWindow: boolean): Promise<void> {
  const { project, environment } = target;
  if (maintenanceWindow) {
    await ctx.showFailure(new Error(l10n.t('{0} runs on Docker Swarm, where each service\'s update order (start-first or stop-first) is in the plan; use Deploy to Production.', environment.label)), project);
    return;
  }
  const engine = await loadEngine();
  const deps = await operationDeps(ctx, target);
  try {
    const result = await ctx.withProgress(l10n.t('Deploy to {0}', environment.label), (signal, onProgress) =>
      engine.deploySwarmProduction(deps, { environment: environment.name, message, stagingFirst: 'ask', confirm: (plan) => confirmDeploy(ctx, target, plan) }, signal, onProgress));
    if (result.outcome === 'declined') ctx.log.info('Deploy to production not confirmed; nothing was changed.');
    else if (result.outcome === 'succeeded') {
      const deployed = l10n.t('Deployed {0} to {1} as the Swarm stack {2} (tag {3}).', result.commit?.slice(0, 7) ?? '', environment.label, environment.swarm?.stack ?? '', result.tag ?? '');
      // a node lost during the update: a warning, since the swarm now runs on fewer nodes
      const lost = (result.nodesLost ?? []).map((sentence) => `${sentence}.`).join(' ');
      if (lost) void vscode.window.showWarningMessage(`${deployed} ${lost}`);
      else void vscode.window.showInformationMessage(deployed);
    }
    else await ctx.showFailure(new Error(result.error ?? ''), project);
  } catch (error) {
    await ctx.showFailure(error, project);
  }
}
