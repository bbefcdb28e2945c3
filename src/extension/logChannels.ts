import * as vscode from 'vscode';
import { errorMessage } from '../core/common/errors';
import type { DualEnvConfig, Environment } from '../core/config';
import { loadEngine } from './engineLoader';
import { l10n } from './l10n';

/**
 * One output channel per followed service (`Dual Env: staging-backend`), fed by the
 * engine's follower, which keeps following across restarts and recreations.
 */
export class LogChannels implements vscode.Disposable {
  /** Each service's channel; kept when its stream fails, so that the reason stays readable and Show Logs reuses it. */
  private readonly channels = new Map<string, vscode.OutputChannel>();
  /** The services followed now, each with what stops its follower. */
  private readonly following = new Map<string, AbortController>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  services(): string[] {
    return [...this.following.keys()];
  }

  /** package.json offers Stop Following Logs only while `dualEnv.followingLogs` is true. */
  private publishFollowing(): void {
    void vscode.commands.executeCommand('setContext', 'dualEnv.followingLogs', this.following.size > 0);
  }

  /**
   * Shows the service's channel, following it from the last 200 lines on. `folder` names
   * the workspace folder when several hold a compose file: it tells their channels apart.
   */
  async follow(config: DualEnvConfig, environment: Environment, service: string, folder?: string): Promise<vscode.OutputChannel> {
    const engine = await loadEngine();
    const name = folder ? `${folder} · ${service}` : service;
    const existing = this.channels.get(name);
    if (existing && this.following.has(name)) {
      existing.show(true);
      return existing;
    }
    const stop = new AbortController();
    // throws for a Docker host that is not an address; nothing is recorded before it
    const lines = engine.followLogs({ docker: engine.dockerClientFor(environment), projectName: config.projectName, services: [service], follow: true, tail: 200, signal: stop.signal, secrets: engine.secretsOf(config), swarmStack: environment.swarm?.stack });
    const channel = existing ?? vscode.window.createOutputChannel(l10n.t('Dual Env: {0}', name));
    // the last 200 lines come again; a resumed channel would show them twice
    channel.clear();
    this.channels.set(name, channel);
    this.following.set(name, stop);
    this.publishFollowing();
    channel.show(true);
    const current = () => this.following.get(name) === stop;
    lines.on('data', (line: { stream: string; text: string; task?: string }) => {
      // a Swarm service's line names its task and node, as `docker service logs` does
      if (current()) channel.appendLine(line.stream === 'marker' ? `--- ${line.text} ---` : `${line.task ? `${line.task} | ` : ''}${line.text}`);
    });
    lines.on('error', (error: unknown) => {
      if (!current()) return;
      this.following.delete(name);
      this.publishFollowing();
      channel.appendLine(`--- ${l10n.t('stopped following {0}: {1}; Show Logs follows it again', name, errorMessage(error))} ---`);
      this.log.warn(`Stopped following the logs of ${name}: ${errorMessage(error)}`);
    });
    this.log.info(`Following the logs of ${name}.`);
    return channel;
  }

  /** Stops following a service; its channel goes away. */
  stop(service: string): void {
    const stop = this.following.get(service);
    const channel = this.channels.get(service);
    this.following.delete(service);
    this.channels.delete(service);
    stop?.abort();
    channel?.dispose();
    if (!stop) return;
    this.publishFollowing();
    this.log.info(`Stopped following the logs of ${service}.`);
  }

  dispose(): void {
    for (const service of [...this.channels.keys()]) this.stop(service);
  }
}
