import crypto from 'node:crypto';
import { PassThrough, Transform, type Duplex, type Readable, type TransformCallback, Writable } from 'node:stream';
import type Docker from 'dockerode';

/** Where the helper mounts the backups volume. */
export const VOLUME_MOUNT = '/backups';
export const VOLUME_LABEL = 'dual-env.backup-volume';
/** A helper that writes a backup names its `.partial-…` folder here: while the helper lives, that folder is being written. */
export const PARTIAL_LABEL = 'dual-env.backup-partial';

/** Quotes one word for sh. */
export function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Docker's multiplexed attach/exec stream → stdout only, with backpressure; stderr is kept for the error. */
class Demux extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  stderr = '';

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const payload = this.pending.subarray(8, 8 + size);
      if (this.pending[0] === 2) this.stderr = (this.stderr + payload.toString()).slice(-2000);
      else this.push(payload);
      this.pending = this.pending.subarray(8 + size);
    }
    callback();
  }
}

/**
 * A short-lived container on the environment's engine that mounts its backups
 * volume. It runs `sh` reading commands from its attached stdin, so one SSH
 * connection carries every command of an operation. When that connection ends
 * (closed, or cut), sh reads end-of-file, removes the `.partial-…` folder it was
 * started for unless it was published under its id, and the container removes
 * itself: a backup cut mid-stream leaves nothing behind on the server.
 *
 * Its image is one the engine certainly holds (the database service's): nothing
 * is pulled, and it needs only sh and coreutils.
 */
export class HelperContainer {
  private readonly marker = `@@dual-env-${crypto.randomBytes(6).toString('hex')}`;
  private output = '';
  private waiting?: { resolve: (text: string) => void; reject: (error: Error) => void };
  private failure?: Error;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly docker: Docker, readonly container: Docker.Container, private readonly stdin: Duplex) {}

  static async start(docker: Docker, options: { image: string; volume: string; partial?: string; readOnly?: boolean }): Promise<HelperContainer> {
    const container = await docker.createContainer({
      Image: options.image,
      User: '0:0',
      Entrypoint: ['sh', '-c', 'sh; [ -z "$1" ] || rm -rf -- "$0/$1"', VOLUME_MOUNT, options.partial ?? ''],
      Cmd: [],
      WorkingDir: '/',
      OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true,
      Labels: { [VOLUME_LABEL]: options.volume, ...(options.partial ? { [PARTIAL_LABEL]: options.partial } : {}) },
      HostConfig: {
        AutoRemove: true,
        NetworkMode: 'none',
        Mounts: [{ Type: 'volume', Source: options.volume, Target: VOLUME_MOUNT, ReadOnly: options.readOnly ?? false }],
      },
    });
    let stream: Duplex;
    try {
      stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }) as unknown as Duplex;
      await container.start();
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      throw error;
    }
    const helper = new HelperContainer(docker, container, stream);
    const demux = new Demux();
    stream.pipe(demux);
    demux.on('data', (chunk: Buffer) => helper.onOutput(chunk.toString('utf8')));
    const ended = (error?: Error) => helper.fail(error ?? new Error(`the helper container stopped${demux.stderr ? ` (${demux.stderr.trim()})` : ''}`));
    stream.on('error', ended);
    stream.on('close', () => ended());
    stream.on('end', () => ended());
    return helper;
  }

  private onOutput(text: string): void {
    this.output += text;
    const match = new RegExp(`\\n${this.marker} (\\d+)\\n`).exec(this.output);
    if (!match || !this.waiting) return;
    const result = this.output.slice(0, match.index);
    this.output = this.output.slice(match.index + match[0].length);
    const waiting = this.waiting;
    this.waiting = undefined;
    if (match[1] === '0') waiting.resolve(result);
    else waiting.reject(Object.assign(new Error(result.trim().split('\n').at(-1) || `exit code ${match[1]}`), { exitCode: Number(match[1]) }));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.waiting?.reject(this.failure);
    this.waiting = undefined;
  }

  /** Runs a shell script in the helper; resolves with its output (stderr included), rejects with its last line when it fails. */
  run(script: string): Promise<string> {
    const next = this.queue.then(() => new Promise<string>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.waiting = { resolve, reject };
      // nothing in a script may read the helper's stdin: that is where the next script comes from
      this.stdin.write(`{\n${script}\n} </dev/null 2>&1; printf '\\n%s %s\\n' ${this.marker} $?\n`);
    }));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** A command's stdout as a stream, on its own connection (an exec), so several can be read at once. */
  read(command: string[]): Readable {
    const out = new PassThrough({ highWaterMark: 1 << 20 });
    void (async () => {
      const exec = await this.container.exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false }) as unknown as Duplex;
      out.once('close', () => stream.destroy());
      const demux = new Demux();
      stream.on('error', (error) => demux.destroy(error));
      stream.pipe(demux).pipe(out, { end: false });
      await new Promise<void>((resolve, reject) => { demux.once('end', resolve); demux.once('error', reject); });
      const { ExitCode } = await exec.inspect();
      if (ExitCode !== 0) throw new Error(demux.stderr.trim() || `${command[0]} exited with code ${ExitCode}`);
      out.end();
    })().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
    return out;
  }

  /** Ends the helper's stdin: sh exits, its partial folder (if still unpublished) goes, and the container removes itself. */
  close(): void {
    this.stdin.end();
    this.stdin.destroy();
  }
}

function tarHeader(name: string, size: number, directory: boolean): Buffer {
  const header = Buffer.alloc(512, 0);
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, '0')}\0`;
  header.write(name, 0, 100, 'utf8');
  header.write(octal(directory ? 0o755 : 0o644, 8), 100);
  header.write(octal(0, 8), 108);
  header.write(octal(0, 8), 116);
  header.write(octal(size, 12), 124);
  header.write(octal(Math.floor(Date.now() / 1000), 12), 136);
  header.write('        ', 148);
  header.write(directory ? '5' : '0', 156);
  header.write('ustar\0' + '00', 257);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

export interface UploadedFile {
  name: string;
  bytes: number;
  sha256: string;
}

/**
 * One tar stream into the volume (the engine's archive API, extracting as the
 * bytes arrive): each file is buffered only until it is whole (a dump part, a
 * few MB), then appended, so a dump reaches the server without ever being a
 * file on this machine.
 */
export class TarUpload {
  private readonly tar = new PassThrough({ highWaterMark: 4 << 20 });
  private readonly done: Promise<void>;
  private failure?: Error;
  readonly files = new Map<string, UploadedFile>();

  /**
   * `helper` may still be starting: the archive's first parts wait in memory meanwhile, so the
   * helper's SSH round trips overlap the dump's own. `where`: the volume and engine, for the
   * sentence a broken upload ends in.
   */
  constructor(helper: Promise<HelperContainer>, where: string) {
    // abort's error is for the request reading the archive; nobody else reads it
    this.tar.on('error', () => undefined);
    this.done = (async () => {
      const started = await helper;
      // abandoned while the helper started: a destroyed body would leave the request open forever
      if (this.tar.destroyed) throw new Error('the backup was abandoned before its upload began');
      const response = await started.container.putArchive(this.tar, { path: VOLUME_MOUNT }) as unknown as Readable | undefined;
      if (response && typeof response.resume === 'function') {
        await new Promise<void>((resolve, reject) => { response.on('end', resolve); response.on('error', reject); response.resume(); });
      }
    })();
    this.done.catch((error: unknown) => {
      this.failure = new Error(`the upload of the dump to ${where} broke (${error instanceof Error ? error.message : String(error)}); no backup was kept`, { cause: error });
      this.tar.destroy();
    });
  }

  directory(name: string): void {
    this.tar.write(tarHeader(name.endsWith('/') ? name : `${name}/`, 0, true));
  }

  private async append(name: string, data: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
    this.files.set(name, { name, bytes: data.length, sha256: crypto.createHash('sha256').update(data).digest('hex') });
    if (this.tar.write(Buffer.concat([tarHeader(name, data.length, false), data, padding]))) return;
    await new Promise<void>((resolve, reject) => {
      this.tar.once('drain', resolve);
      this.done.catch(reject);
    });
  }

  /** A file of the upload, appended once it is ended. */
  file(name: string): Writable {
    const chunks: Buffer[] = [];
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        if (this.failure) return callback(this.failure);
        chunks.push(chunk);
        callback();
      },
      final: (callback) => { this.append(name, Buffer.concat(chunks)).then(() => callback(), callback); },
    });
  }

  /** Ends the archive and waits until the engine has extracted all of it. */
  async finish(): Promise<void> {
    this.tar.end(Buffer.alloc(1024));
    await this.done;
  }

  /** Abandons the upload; the error ends the request (docker-modem ends it only on the body's error), so no connection stays open. */
  abort(): void {
    this.done.catch(() => undefined);
    this.tar.destroy(new Error('the backup was abandoned'));
  }
}
