import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatementSplitter } from '../../../src/core/database/statementSplitter';

function split(text: string, chunkSize?: number): { statements: string[]; boundary: boolean } {
  const splitter = new StatementSplitter();
  const bytes = Buffer.from(text, 'utf8');
  const statements: string[] = [];
  const size = chunkSize ?? bytes.length;
  for (let i = 0; i < bytes.length; i += size) statements.push(...splitter.push(bytes.subarray(i, i + size)));
  const boundary = splitter.atStatementBoundary;
  statements.push(...splitter.end());
  return { statements, boundary };
}

const DUMP = [
  '-- a header comment; with a semicolon',
  "SET NAMES utf8mb4;",
  '/*!40101 SET @x = 1 */;',
  "INSERT INTO `t;1` (`a`) VALUES ('it''s; fine'),('back\\\\slash\\';'),(\"dq;\\\"\"),(0x3B3B),('😀;');",
  '# hash comment ; here',
  'DELIMITER ;;',
  'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; SET NEW.b = 2; END;;',
  'DELIMITER ;',
  'SELECT 1 /* block ; comment */ + 2;',
  'SELECT 3--1;',
].join('\n');

const EXPECTED = [
  'SET NAMES utf8mb4',
  '/*!40101 SET @x = 1 */',
  "INSERT INTO `t;1` (`a`) VALUES ('it''s; fine'),('back\\\\slash\\';'),(\"dq;\\\"\"),(0x3B3B),('😀;')",
  'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; SET NEW.b = 2; END',
  'SELECT 1 /* block ; comment */ + 2',
  'SELECT 3--1',
];

describe('StatementSplitter', () => {
  it('splits on the delimiter outside quotes and comments, honouring DELIMITER', () => {
    const { statements, boundary } = split(DUMP);
    assert.deepEqual(statements, EXPECTED);
    assert.equal(boundary, true);
  });

  it('gives the same statements whatever the chunk boundaries', () => {
    for (const size of [1, 2, 3, 5, 7, 13, 64]) {
      assert.deepEqual(split(DUMP, size).statements, EXPECTED, `chunks of ${size} bytes`);
    }
  });

  it('knows when the input stops inside a statement or a string', () => {
    assert.equal(split("INSERT INTO t VALUES ('abc").boundary, false);
    assert.equal(split('INSERT INTO t VALUES (1),').boundary, false);
    assert.equal(split('SELECT 1;\n-- trailing comment\n').boundary, true);
  });
});
