/** Left-aligned columns for human output: `table([['a','b'],['1','2']])`. */
export function table(rows: (string | number | null)[][]): string {
  const text = rows.map((row) => row.map((cell) => (cell === null ? '-' : String(cell))));
  const widths = text[0].map((_, i) => Math.max(...text.map((row) => row[i]?.length ?? 0)));
  return text.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n');
}
