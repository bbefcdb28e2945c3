import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dumpHeader, sequencesRelative, sequencesSection, tableSchema } from '../../../src/core/database/dumpFormat';
import { commentLine } from '../../../src/core/database/sqlText';
import { StatementSplitter } from '../../../src/core/database/statementSplitter';

describe('dump format for sequences', () => {
  it('creates each sequence and sets where it stood, before the tables', () => {
    const text = sequencesSection([{ name: 'ids', create: 'CREATE SEQUENCE `ids` start with 1 minvalue 1 maxvalue 9223372036854775806 increment by 1 cache 1000 nocycle ENGINE=InnoDB', next: '9223372036854775000', round: '2' }]);
    assert.equal(text, [
      '--', '-- Sequences', '--',
      'DROP SEQUENCE IF EXISTS `ids`;',
      'CREATE SEQUENCE `ids` start with 1 minvalue 1 maxvalue 9223372036854775806 increment by 1 cache 1000 nocycle ENGINE=InnoDB;',
      'DO SETVAL(`ids`, 9223372036854775000, 0, 2);',
      '', '',
    ].join('\n'));
    assert.equal(sequencesSection([]), '');
  });

  it('refuses a position that is not a number rather than write it into SQL', () => {
    assert.throws(() => sequencesSection([{ name: 'ids', create: 'CREATE SEQUENCE `ids`', next: '1); DROP TABLE x; --', round: '0' }]), SyntaxError);
  });

  it('names sequences in DEFAULTs without the source database', () => {
    const create = 'CREATE TABLE `t` (\n  `id` int(11) DEFAULT nextval(`shop`.`ids`),\n  `n` varchar(20) DEFAULT \'nextval(`other`.`x`)\'\n)';
    assert.equal(sequencesRelative(create, 'shop'), 'CREATE TABLE `t` (\n  `id` int(11) DEFAULT nextval(`ids`),\n  `n` varchar(20) DEFAULT \'nextval(`other`.`x`)\'\n)');
  });
});

/** The statements the stock client would run from a dump's text (our splitter follows its rules). */
function statementsOf(text: string): string[] {
  const splitter = new StatementSplitter();
  return [...splitter.push(Buffer.from(text, 'utf8')), ...splitter.end()].map((s) => (typeof s === 'string' ? s : s.toString('utf8')).trim());
}

describe('dump format for names in comments', () => {
  const hostile = 'orders\nDROP DATABASE warehouse_wms; -- \r\u2028x\\';

  it('keeps a table name with line breaks inside its comment line', () => {
    const text = tableSchema(hostile, 'CREATE TABLE `t` (`id` int)');
    const comment = text.split('\n').find((line) => line.startsWith('-- Table'));
    assert.equal(comment, '-- Table `orders\\x0aDROP DATABASE warehouse_wms; -- \\x0d\\u2028x\\\\`');
    assert.deepEqual(statementsOf(text), [`DROP TABLE IF EXISTS \`${hostile}\``, "CREATE TABLE `t` (`id` int)"]);
  });

  it('keeps the database name and server version in the header\'s comments', () => {
    const text = dumpHeader({ database: hostile, serverVersion: '11.4\nDROP DATABASE x;', createdAt: '2026-01-01T00:00:00.000Z' });
    assert.ok(statementsOf(text).every((statement) => statement.startsWith('SET ')), statementsOf(text).join('\n'));
    assert.match(text, /^-- server 11\.4\\x0aDROP DATABASE x;, taken 2026-01-01T00:00:00\.000Z$/m);
  });

  it('writes an ordinary name as it is', () => {
    assert.equal(commentLine('Table `stock_moves`'), '-- Table `stock_moves`');
  });
});
