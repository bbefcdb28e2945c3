import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderViews, type SchemaObject } from '../../../src/core/database/schema';
import { quoteIdentifier, stripDefiner } from '../../../src/core/database/sqlText';

describe('SQL text helpers', () => {
  it('quotes identifiers, doubling backquotes', () => {
    assert.equal(quoteIdentifier('a`b'), '`a``b`');
  });

  it('removes DEFINER clauses in every spelling', () => {
    assert.equal(stripDefiner('CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`%` SQL SECURITY DEFINER VIEW `v` AS select 1'),
      'CREATE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS select 1');
    assert.equal(stripDefiner("CREATE DEFINER='app'@'localhost' PROCEDURE p() SELECT 1"), 'CREATE PROCEDURE p() SELECT 1');
    assert.equal(stripDefiner('CREATE DEFINER=app@localhost TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a = 1'),
      'CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a = 1');
    assert.equal(stripDefiner('CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a = 1'), 'CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a = 1');
  });

  it('orders views after the views they select from', () => {
    const view = (name: string, body: string): SchemaObject => ({ type: 'VIEW', name, create: `CREATE VIEW \`${name}\` AS ${body}` });
    const ordered = orderViews([
      view('a_top', 'select * from `m_middle`'),
      view('m_middle', 'select * from `z_base` join `t` on 1'),
      view('z_base', 'select * from `t`'),
    ]);
    assert.deepEqual(ordered.map((v) => v.name), ['z_base', 'm_middle', 'a_top']);
  });
});
