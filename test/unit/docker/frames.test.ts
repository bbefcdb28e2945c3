import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameDecoder, LineSplitter } from '../../../src/core/docker/frames';

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('FrameDecoder', () => {
  it('splits stdout and stderr frames that arrive in one chunk', () => {
    const frames = new FrameDecoder().push(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n'), frame(1, 'more\n')]));
    assert.deepEqual(frames.map((f) => [f.stream, f.payload.toString()]), [['stdout', 'out\n'], ['stderr', 'err\n'], ['stdout', 'more\n']]);
  });

  it('waits for the rest of a frame cut inside its header or payload', () => {
    const bytes = Buffer.concat([frame(2, 'hello world\n'), frame(1, 'x\n')]);
    const decoder = new FrameDecoder();
    const seen: string[] = [];
    // feed one byte at a time: the hardest cut there is
    for (let i = 0; i < bytes.length; i++) {
      for (const f of decoder.push(bytes.subarray(i, i + 1))) seen.push(`${f.stream}:${f.payload.toString()}`);
    }
    assert.deepEqual(seen, ['stderr:hello world\n', 'stdout:x\n']);
    assert.equal(decoder.buffered, 0);
  });

  it('keeps an incomplete frame buffered', () => {
    const decoder = new FrameDecoder();
    assert.deepEqual(decoder.push(frame(1, 'abcdef').subarray(0, 11)), []);
    assert.equal(decoder.buffered, 11);
  });
});

describe('LineSplitter', () => {
  it('joins a line cut between chunks and drops carriage returns', () => {
    const lines = new LineSplitter();
    assert.deepEqual(lines.push('first\r\nsec'), ['first']);
    assert.deepEqual(lines.push('ond\nthi'), ['second']);
    assert.deepEqual(lines.flush(), ['thi']);
    assert.deepEqual(lines.flush(), []);
  });

  it('does not break a UTF-8 character cut between chunks', () => {
    const bytes = Buffer.from('größe\n');
    const lines = new LineSplitter();
    assert.deepEqual(lines.push(bytes.subarray(0, 3)), []);
    assert.deepEqual(lines.push(bytes.subarray(3)), ['größe']);
  });
});

describe('LineSplitter on output without newlines', () => {
  it('hands out a line longer than its limit in pieces, holding at most one limit back', () => {
    const lines = new LineSplitter(10);
    assert.deepEqual(lines.push('a'.repeat(25)), ['a'.repeat(10), 'a'.repeat(10)]);
    assert.deepEqual(lines.push('bb\nshort\n'), ['aaaaabb', 'short']);
    assert.deepEqual(lines.push(`${'c'.repeat(12)}\n`), ['c'.repeat(10), 'cc']);
    assert.deepEqual(lines.flush(), []);
  });

  it('keeps memory bounded by 64 KiB characters on megabytes without a newline', () => {
    const lines = new LineSplitter();
    const pieces: string[] = [];
    for (let i = 0; i < 64; i++) pieces.push(...lines.push(Buffer.alloc(64 * 1024, 'x')));
    pieces.push(...lines.flush());
    assert.equal(pieces.length, 64);
    assert.ok(pieces.every((piece) => piece.length === 64 * 1024));
  });

  it('does not cut a character outside the Basic Multilingual Plane in two', () => {
    const lines = new LineSplitter(4);
    assert.deepEqual(lines.push('abc😀d\n'), ['abc', '😀d']);
  });
});
