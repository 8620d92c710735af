import type { Statement } from 'better-sqlite3';
import type { Db } from './open.js';

const ROWS_PER_STATEMENT = 100;

/**
 * An INSERT of many rows at once: `ROWS_PER_STATEMENT` rows per statement with positional
 * values (binding one row of named values per call costs several times more), the remainder
 * one row at a time. `rows` are arrays in `columns` order.
 */
export function prepareInsertMany(db: Db, table: string, columns: readonly string[]): (rows: readonly unknown[][]) => void {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const sql = (n: number) => `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array(n).fill(tuple).join(', ')}`;
  let many: Statement | undefined;
  let one: Statement | undefined;
  return (rows) => {
    let i = 0;
    if (rows.length >= ROWS_PER_STATEMENT) {
      many ??= db.prepare(sql(ROWS_PER_STATEMENT));
      const values: unknown[] = new Array(ROWS_PER_STATEMENT * columns.length);
      for (; i + ROWS_PER_STATEMENT <= rows.length; i += ROWS_PER_STATEMENT) {
        let k = 0;
        for (let r = i; r < i + ROWS_PER_STATEMENT; r++) for (const value of rows[r]) values[k++] = value;
        many.run(values);
      }
    }
    if (i < rows.length) one ??= db.prepare(sql(1));
    for (; i < rows.length; i++) one!.run(rows[i]);
  };
}
