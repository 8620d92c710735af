import type { Statement } from 'better-sqlite3';
import type { Db } from './open.js';

const ROWS_PER_STATEMENT = 100;

/**
 * An INSERT of many rows at once, for bulk loads. Values are positional (binding one row of
 * named values per call costs several times more) and `ROWS_PER_STATEMENT` rows go per
 * statement, the remainder one row at a time. `shared` columns (at least one) take one value
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
  let many: Statement | undefined;
  let one: Statement | undefined;
  return (sharedValues, values) => {
    const rows = values.length / width;
    const params: unknown[] = [...sharedValues];
    let r = 0;
    if (rows >= ROWS_PER_STATEMENT) {
      many ??= db.prepare(sql(ROWS_PER_STATEMENT));
      const chunk = ROWS_PER_STATEMENT * width;
      for (; r + ROWS_PER_STATEMENT <= rows; r += ROWS_PER_STATEMENT) {
        for (let k = 0, from = r * width; k < chunk; k++) params[shared.length + k] = values[from + k];
        many.run(params);
      }
    }
    if (r < rows) {
      one ??= db.prepare(sql(1));
      params.length = shared.length + width;
      for (; r < rows; r++) {
        for (let k = 0, from = r * width; k < width; k++) params[shared.length + k] = values[from + k];
        one.run(params);
      }
    }
  };
}
