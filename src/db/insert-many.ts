import type { Statement } from 'better-sqlite3';
import type { Db } from './open.js';

const ROWS_PER_STATEMENT = 100;

/**
 * An INSERT of many rows at once, for bulk loads. Values are positional (binding one row of
 * named values per call costs several times more), `ROWS_PER_STATEMENT` rows per statement and
 * the remainder in one statement of its own size. `shared` columns (at least one) take one value
 * for every row of a call (the environment, a flag's id), bound once per statement, not per row.
 * `values` is flat, row after row in `columns` order, so no array is made per row.
 */
export function prepareInsertMany(
  db: Db,
  table: string,
  shared: readonly string[],
  columns: readonly string[],
): (sharedValues: readonly unknown[], values: readonly unknown[]) => void {
  const width = columns.length;
  const sql = (n: number) =>
    `INSERT INTO ${table} (${[...shared, ...columns].join(', ')})
     SELECT ${[...shared.map((c) => `p.${c}`), ...columns.map((_, i) => `v.column${i + 1}`)].join(', ')}
     FROM (SELECT ${shared.map((c) => `? AS ${c}`).join(', ')}) AS p,
       (VALUES ${Array(n).fill(`(${columns.map(() => '?').join(', ')})`).join(', ')}) AS v`;
  // One statement per row count met: the full chunk, and each remainder (a flag with 30 targets
  // goes in as one statement, not 30).
  const statements = new Map<number, Statement>();
  const statement = (n: number) => {
    let prepared = statements.get(n);
    if (!prepared) statements.set(n, (prepared = db.prepare(sql(n))));
    return prepared;
  };
  return (sharedValues, values) => {
    const rows = values.length / width;
    const params: unknown[] = [...sharedValues];
    for (let r = 0; r < rows; r += ROWS_PER_STATEMENT) {
      const n = Math.min(ROWS_PER_STATEMENT, rows - r);
      params.length = shared.length + n * width;
      for (let k = 0, from = r * width; k < n * width; k++) params[shared.length + k] = values[from + k];
      statement(n).run(params);
    }
  };
}
