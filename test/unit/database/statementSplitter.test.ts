import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatementSplitter, type Statement } from '../../../src/core/database/statementSplitter';

/** Statements as text (an own INSERT, which comes as bytes, decoded), and which came as bytes. */
function split(text: string, chunkSize?: number, options: { ownDump?: boolean } = {}): { statements: string[]; boundary: boolean; asBytes: boolean[] } {
  const splitter = new StatementSplitter(options);
  const bytes = Buffer.from(text, 'utf8');
  const statements: Statement[] = [];
  const size = chunkSize ?? bytes.length;
  for (let i = 0; i < bytes.length; i += size) statements.push(...splitter.push(bytes.subarray(i, i + size)));
  const boundary = splitter.atStatementBoundary;
  statements.push(...splitter.end());
  return { statements: statements.map((s) => (typeof s === 'string' ? s : s.toString('utf8'))), boundary, asBytes: statements.map((s) => typeof s !== 'string') };
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

  describe('on Dual Env\'s own dump (INSERT rows never hold a raw newline)', () => {
    const OWN = [
      'SET NAMES utf8mb4;',
      'INSERT INTO `t` (`a`,`b`) VALUES',
      "(1,'semi;colon'),",
      "(2,'ends with a semicolon;'),",
      "(3,'quote\\' and ;\\n escaped newline');",
      '',
      'INSERT INTO `t` (`a`,`b`) VALUES',
      "(4,0x3B0A);",
      '',
      'DELIMITER ;;',
      'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; END;;',
      'DELIMITER ;',
      '-- Dual Env dump complete',
      '',
    ].join('\n');
    const OWN_EXPECTED = [
      'SET NAMES utf8mb4',
      "INSERT INTO `t` (`a`,`b`) VALUES\n(1,'semi;colon'),\n(2,'ends with a semicolon;'),\n(3,'quote\\' and ;\\n escaped newline')",
      'INSERT INTO `t` (`a`,`b`) VALUES\n(4,0x3B0A)',
      'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; END',
    ];

    it('gives own INSERTs as bytes, whole, and everything else as text', () => {
      // a statement whose start straddles two chunks is read byte by byte, as text
      assert.deepEqual(split(OWN, undefined, { ownDump: true }).asBytes, [false, true, true, false]);
    });

    it('splits the same as the byte-by-byte way, however the input is chunked', () => {
      for (const size of [1, 2, 3, 5, 7, 16, 1000]) {
        const own = split(OWN, size, { ownDump: true });
        assert.deepEqual(own.statements, OWN_EXPECTED, `chunks of ${size}`);
        assert.deepEqual(split(OWN, size).statements, OWN_EXPECTED, `byte by byte, chunks of ${size}`);
        assert.deepEqual(split(OWN, size).asBytes, [false, false, false, false], 'a dump not known as own gives text');
        assert.equal(own.boundary, true);
      }
    });

    it('reads an INSERT whose column names hold a newline byte by byte', () => {
      const odd = 'INSERT INTO `t` (`a\nb`) VALUES\n(1);\nSELECT 2;\n';
      assert.deepEqual(split(odd, undefined, { ownDump: true }).statements, ['INSERT INTO `t` (`a\nb`) VALUES\n(1)', 'SELECT 2']);
    });

    it('sees an INSERT cut short as not at a statement boundary', () => {
      const cut = OWN.slice(0, OWN.indexOf('(2,'));
      assert.equal(split(cut, 4, { ownDump: true }).boundary, false);
    });
  });
});
