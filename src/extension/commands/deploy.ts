import * as vscode from 'vscode';
import type { Environment } from '../../core/config';
import type { DeployPlan } from '../../core/operations/deployPreflight';
import type { RollbackPlan } from '../../core/operations/rollbackProduction';
import type { CommandFactory, Ctx } from '../context';
import { browserUrl, browserUrlProblem } from '../browserUrl';
import { loadEngine } from '../engineLoader';
import { productionOnly, stagingOnly } from '../environmentChoice';
import { operationDeps } from '../operationDeps';
import type { TreeNode } from '../tree/environmentsTree';
import { backupTime } from '../tree/backups/backupItem';
import { remedyRequest } from '../remedyActions';

async function confirmDeploy(ctx: Ctx, plan: DeployPlan): Promise<boolean> {
  const engine = await loadEngine();
  return ctx.userInput.confirm(`Deploy ${plan.branch} @ ${plan.commit.shortHash} to ${plan.label}?`, {
    detail: engine.describePlan(plan),
    confirm: `Deploy to ${plan.label}`,
  });
}

async function confirmRollback(ctx: Ctx, plan: RollbackPlan): Promise<boolean> {
  const engine = await loadEngine();
  return ctx.userInput.confirm(`Roll ${plan.label} back to backup ${backupTime(plan.backup.id)}?`, {
    detail: engine.describeRollbackPlan(plan),
    confirm: `Roll Back ${plan.label}`,
  });
}

/** Rolls production back; `backupId` undefined means the core's default (the last deploy's backup). */
async function rollback(ctx: Ctx, environment: Environment, backupId: string | undefined): Promise<void> {
  if (!ctx.requireTrust('roll production back')) return;
  const engine = await loadEngine();
  const deps = await operationDeps(ctx, environment);
  const result = await ctx.withProgress(`Roll Back ${environment.label}`, (signal, onProgress) =>
    engine.rollbackProduction(deps, { environment: environment.name, backupId, confirm: (plan) => confirmRollback(ctx, plan) }, signal, onProgress));
  ctx.tree.refreshBackups();
  if (result.outcome === 'declined') {
    ctx.log.info('Rollback not confirmed; nothing was changed.');
    return;
  }
  void vscode.window.showInformationMessage(`${environment.label} is back at backup ${result.plan.backup.id} and healthy.`);
}

export const deployStaging: CommandFactory = (ctx) => async (arg?: unknown) => {
  if (!ctx.requireTrust('deploy')) return;
  const environment = await ctx.environmentOf(arg, 'Deploy to Staging', stagingOnly);
  if (!environment) return;
  const engine = await loadEngine();
  const deps = await operationDeps(ctx, environment);
  const result = await ctx.withProgress(`Deploy to ${environment.label}`, (signal, onProgress) =>
    engine.deployStaging(deps, { environment: environment.name }, signal, onProgress));
  const what = result.commit ? `${result.commit.slice(0, 7)}${result.dirty ? ' with uncommitted changes' : ''}` : 'the working tree';
  // offered only for a web page: the url comes from the compose file, which may not be the user's own
  const page = { label: environment.label, url: result.url };
  const open = browserUrlProblem(page) ? undefined : await vscode.window.showInformationMessage(`Deployed ${what} to ${environment.label}.`, 'Open in Browser');
  if (open) await vscode.env.openExternal(vscode.Uri.parse(browserUrl(page)));
};

/**
 * Deploy to Production: the core checks branch, tree and staging, then asks through
 * a modal that shows the plan; Cancel changes nothing. A verified backup comes first.
 */
export const deployProduction: CommandFactory = (ctx) => async (arg?: unknown) => {
  if (!ctx.requireTrust('deploy')) return;
  const environment = await ctx.environmentOf(arg, 'Deploy to Production', productionOnly);
  if (!environment) return;
  // from the uncommitted-changes refusal: the changes are committed as part of the deploy, with this message
  const message = remedyRequest(arg)?.askMessage
    ? await ctx.userInput.input({ title: 'Commit and Deploy to Production', prompt: 'Commit message for the uncommitted changes, committed as part of the deploy' })
    : undefined;
  if (remedyRequest(arg)?.askMessage && !message?.trim()) return;
  const engine = await loadEngine();
  const deps = await operationDeps(ctx, environment);
  try {
    const result = await ctx.withProgress(`Deploy to ${environment.label}`, (signal, onProgress) =>
      engine.deployProduction(deps, {
        environment: environment.name,
        message,
        autoRollback: ctx.model.settings.autoRollback,
        // the modal shows a staging-first warning; the person decides
        stagingFirst: 'ask',
        confirm: (plan) => confirmDeploy(ctx, plan),
      }, signal, onProgress));
    ctx.tree.refreshBackups();
    if (result.outcome === 'declined') {
      ctx.log.info('Deploy to production not confirmed; nothing was changed.');
    } else if (result.outcome === 'succeeded') {
      void vscode.window.showInformationMessage(`Deployed ${result.commit?.slice(0, 7)} to ${environment.label} (tag ${result.tag}, backup ${result.backup?.id}).`);
    } else {
      await ctx.showFailure(new Error(`The deploy to ${environment.label} failed and was rolled back: ${result.error}`));
    }
  } catch (error) {
    ctx.tree.refreshBackups();
    // the error's remedies say what to offer: Roll Back only where production changed, Deploy to Staging, Show Logs…
    await ctx.showFailure(error);
  }
};

/** Roll Back Production…: a quick pick of the verified backups, or the backup the tree row stands for. */
export const rollbackProduction: CommandFactory = (ctx) => async (arg?: unknown) => {
  const node = arg as TreeNode | undefined;
  if (node?.kind === 'backup') {
    await rollback(ctx, node.environment, node.backup.id);
    return;
  }
  const request = remedyRequest(arg);
  if (request?.backupId) {
    const environment = await ctx.environmentOf(request, 'Roll Back Production', productionOnly);
    if (environment) await rollback(ctx, environment, request.backupId);
    return;
  }
  const environment = await ctx.environmentOf(arg, 'Roll Back Production', productionOnly);
  if (!environment) return;
  const engine = await loadEngine();
  const backups = engine.listBackups(environment.backups.folder).filter((b) => b.verified);
  if (backups.length === 0) throw new Error(`There is no verified backup of ${environment.label} in ${environment.backups.folder} to roll back to.`);
  const picked = await ctx.userInput.pick(backups.map((backup) => ({
    label: backupTime(backup.id),
    description: [backup.gitCommit?.slice(0, 7), backup.reason].filter(Boolean).join(' · '),
    backup,
  })), { title: `Roll Back ${environment.label}`, placeHolder: 'Backup to roll back to' });
  if (picked) await rollback(ctx, environment, picked.backup.id);
};
