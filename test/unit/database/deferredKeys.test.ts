import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addKeysStatement, deferSecondaryKeys } from '../../../src/core/database/deferredKeys';

const ORDERS = [
  'CREATE TABLE `orders` (',
  '  `id` bigint(20) unsigned NOT NULL,',
  "  `note` varchar(40) DEFAULT 'KEY `x` (`y`),' COMMENT 'a\\nb',",
  '  `customer` int(11) NOT NULL,',
  '  PRIMARY KEY (`id`),',
  '  UNIQUE KEY `note` (`note`),',
  '  KEY `customer` (`customer`),',
  '  KEY `by``tick` (`customer`,`note`(10)) COMMENT \'two\',',
  '  FULLTEXT KEY `words` (`note`)',
  ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci',
].join('\n');

describe('deferSecondaryKeys', () => {
  it('moves plain KEY lines out and keeps the rest as it was', () => {
    const { create, keys } = deferSecondaryKeys(ORDERS);
    assert.deepEqual(keys, ['KEY `customer` (`customer`)', "KEY `by``tick` (`customer`,`note`(10)) COMMENT 'two'"]);
    assert.equal(create, [
      'CREATE TABLE `orders` (',
      '  `id` bigint(20) unsigned NOT NULL,',
      "  `note` varchar(40) DEFAULT 'KEY `x` (`y`),' COMMENT 'a\\nb',",
      '  `customer` int(11) NOT NULL,',
      '  PRIMARY KEY (`id`),',
      '  UNIQUE KEY `note` (`note`),',
      '  FULLTEXT KEY `words` (`note`)',
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci',
    ].join('\n'));
    assert.equal(addKeysStatement('`orders`', keys), "ALTER TABLE `orders` ADD KEY `customer` (`customer`), ADD KEY `by``tick` (`customer`,`note`(10)) COMMENT 'two'");
  });

  it('removes the comma of a line that became the last one', () => {
    const { create } = deferSecondaryKeys('CREATE TABLE `t` (\n  `a` int(11) DEFAULT NULL,\n  KEY `a` (`a`)\n) ENGINE=InnoDB');
    assert.equal(create, 'CREATE TABLE `t` (\n  `a` int(11) DEFAULT NULL\n) ENGINE=InnoDB');
  });

  it('leaves a table with a foreign key, or in another layout, whole', () => {
    const withForeignKey = 'CREATE TABLE `c` (\n  `p` int(11) NOT NULL,\n  KEY `p` (`p`),\n  CONSTRAINT `fk` FOREIGN KEY (`p`) REFERENCES `parent` (`id`)\n) ENGINE=InnoDB';
    assert.deepEqual(deferSecondaryKeys(withForeignKey), { create: withForeignKey, keys: [] });
    const oneLine = 'CREATE TABLE t (a INT, KEY (a))';
    assert.deepEqual(deferSecondaryKeys(oneLine), { create: oneLine, keys: [] });
  });
});
