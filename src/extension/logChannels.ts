import * as vscode from 'vscode';
import { errorMessage } from '../core/common/errors';
import type { DualEnvConfig, Environment } from '../core/config';
import { loadEngine } from './engineLoader';

interface Followed {
  channel: vscode.OutputChannel;
  stop: AbortController;
}

/**
 * One output channel per followed service (`Dual Env: staging-backend`), fed by the
 * engine's follower, which keeps following across restarts and recreations.
 */
export class LogChannels implements vscode.Disposable {
  private readonly followed = new Map<string, Followed>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  services(): string[] {
    return [...this.followed.keys()];
  }

  /** Shows the service's channel, following it from the last 200 lines on. */
  async follow(config: DualEnvConfig, environment: Environment, service: string): Promise<vscode.OutputChannel> {
    const existing = this.followed.get(service);
    if (existing) {
      existing.channel.show(true);
      return existing.channel;
    }
    const engine = await loadEngine();
    const channel = vscode.window.createOutputChannel(`Dual Env: ${service}`);
    const stop = new AbortController();
    this.followed.set(service, { channel, stop });
    channel.show(true);
    const lines = engine.followLogs({ docker: engine.dockerClientFor(environment), projectName: config.projectName, services: [service], follow: true, tail: 200, signal: stop.signal });
    lines.on('data', (line: { stream: string; text: string }) => channel.appendLine(line.stream === 'marker' ? `--- ${line.text} ---` : line.text));
    lines.on('error', (error: unknown) => {
      channel.appendLine(`--- stopped following ${service}: ${errorMessage(error)} ---`);
      this.log.warn(`Stopped following the logs of ${service}: ${errorMessage(error)}`);
      this.followed.delete(service);
    });
    this.log.info(`Following the logs of ${service}.`);
    return channel;
  }

  /** Stops following a service; its channel goes away. */
  stop(service: string): void {
    const followed = this.followed.get(service);
    if (!followed) return;
    this.followed.delete(service);
    followed.stop.abort();
    followed.channel.dispose();
    this.log.info(`Stopped following the logs of ${service}.`);
  }

  dispose(): void {
    for (const service of this.services()) this.stop(service);
  }
}
