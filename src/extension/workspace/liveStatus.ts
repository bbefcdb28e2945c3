import type * as vscode from 'vscode';
import { errorMessage } from '../../core/common/errors';
import type { DualEnvConfig, SecretSource } from '../../core/config';
import type { Engine } from '../engineLoader';
import { l10n } from '../l10n';
import type { EnvironmentStatus } from '../model';

export interface LiveStatusEvents {
  /** New statuses arrived. */
  changed(): void;
  /** Docker cannot be reached (with why), or can again (undefined). */
  reachability(problem: string | undefined): void;
}

/**
 * The live status of one loaded config: a quick ping of each engine, so that the
 * view can say at once that Docker is not there, then the engine's status monitor,
 * which reconnects on its own. Disposed when the config is reloaded; a disposed one
 * reports nothing more.
 */
export class LiveStatus implements vscode.Disposable {
  private readonly statuses = new Map<string, EnvironmentStatus>();
  private monitor: { dispose(): void } | undefined;
  private disposed = false;
  /** Resolves once the monitor has started, or Docker was found unreachable. */
  readonly started: Promise<void>;

  constructor(engine: Engine, loaded: DualEnvConfig, secrets: SecretSource, private readonly log: vscode.LogOutputChannel, private readonly events: LiveStatusEvents) {
    this.started = this.start(engine, loaded, secrets).catch((error: unknown) => {
      // an invalid dockerHost or a missing TLS certificate throws before any connection;
      // the view must offer Retry with the reason rather than sit "ready" with no status
      if (this.disposed) return;
      if ((error as Error)?.name !== 'DockerUnreachableError') this.log.error(error instanceof Error ? error : String(error));
      this.events.reachability(errorMessage(error));
    });
  }

  statusOf(environment: string): EnvironmentStatus | undefined {
    return this.statuses.get(environment);
  }

  private async start(engine: Engine, loaded: DualEnvConfig, secrets: SecretSource): Promise<void> {
    // passwords kept in SecretStorage reach containers' output like those in .env: redact them too
    const config = await engine.withStoredPasswords(loaded, secrets);
    if (this.disposed) return;
    const hosts = new Map(config.environments.map((e) => [engine.dockerClientFor(e), e]));
    const unreachable = await Promise.all([...hosts.keys()].map((docker) => docker.ping().then(() => undefined, (error: unknown) => errorMessage(error))));
    if (this.disposed) return;
    const problems = unreachable.filter((p): p is string => p !== undefined);
    if (problems.length === hosts.size) {
      this.events.reachability(l10n.t('Docker cannot be reached ({0}); start it or fix dualEnv.dockerHost / DOCKER_HOST, then Retry.', problems[0]));
    }
    const monitor = engine.createStatusMonitor({ config, log: (line) => this.log.info(line) });
    this.monitor = monitor;
    monitor.subscribe((snapshot) => {
      if (this.disposed) return;
      for (const status of snapshot) this.statuses.set(status.environment, status);
      if (snapshot.some((s) => s.health !== 'unknown')) this.events.reachability(undefined);
      this.events.changed();
    });
    monitor.start();
  }

  dispose(): void {
    this.disposed = true;
    this.monitor?.dispose();
  }
}
