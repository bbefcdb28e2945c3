import path from 'node:path';
import type { PublishedPort, VolumeMount } from './model';

/**
 * One entry of a service's `ports`, short ("127.0.0.1:8080:80/tcp") or long syntax.
 * Returns undefined for container-only ports, which publish nothing.
 */
export function parsePort(entry: unknown, fail: (what: string) => never): PublishedPort | undefined {
  if (typeof entry === 'number') return undefined;
  if (typeof entry === 'object' && entry !== null) {
    const long = entry as Record<string, unknown>;
    if (long.published === undefined) return undefined;
    return {
      hostIp: typeof long.host_ip === 'string' ? long.host_ip : undefined,
      hostPort: Number(long.published),
      containerPort: Number(long.target),
      protocol: typeof long.protocol === 'string' ? long.protocol : 'tcp',
    };
  }
  const text = String(entry);
  const [spec, protocol = 'tcp'] = text.split('/');
  const parts = spec.split(':');
  if (parts.length === 1) return undefined;
  const containerPort = Number(parts.at(-1));
  const hostPort = Number(parts.at(-2));
  const hostIp = parts.length > 2 ? parts.slice(0, -2).join(':').replace(/^\[|\]$/g, '') : undefined;
  if (!Number.isInteger(hostPort) || !Number.isInteger(containerPort)) fail(`port mapping "${text}" is not HOST:CONTAINER with numbers.`);
  return { hostIp: hostIp || undefined, hostPort, containerPort, protocol };
}

/** One entry of a service's `volumes`: a named volume or a bind mount (made absolute). */
export function parseVolume(entry: unknown, projectDir: string): VolumeMount | undefined {
  if (typeof entry === 'object' && entry !== null) {
    const long = entry as Record<string, unknown>;
    if (typeof long.source !== 'string' || typeof long.target !== 'string') return undefined;
    const kind = long.type === 'bind' ? 'bind' : 'volume';
    const source = kind === 'bind' ? path.resolve(projectDir, long.source) : long.source;
    return { kind, source, target: long.target, readOnly: long.read_only === true };
  }
  const [source, target, mode = ''] = String(entry).split(':');
  if (target === undefined) return undefined; // anonymous volume
  const isBind = source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
  const readOnly = mode.split(',').includes('ro');
  return { kind: isBind ? 'bind' : 'volume', source: isBind ? path.resolve(projectDir, source) : source, target, readOnly };
}
