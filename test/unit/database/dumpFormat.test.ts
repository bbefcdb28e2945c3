import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sequencesRelative, sequencesSection } from '../../../src/core/database/dumpFormat';

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
