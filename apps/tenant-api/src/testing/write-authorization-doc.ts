/**
 * Rewrites the generated table in docs/authorization.md from the matrix the tests run:
 *   npx node apps/tenant-api/src/testing/write-authorization-doc.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MATRIX_END, MATRIX_START, renderAuthorizationTable } from './authorization-matrix.ts';

export const AUTHORIZATION_DOC = fileURLToPath(new URL('../../../../docs/authorization.md', import.meta.url));

/** The document with its generated section replaced by the current table. */
export function withCurrentTable(document: string): string {
  const start = document.indexOf(MATRIX_START);
  const end = document.indexOf(MATRIX_END);
  if (start < 0 || end < start) throw new Error(`${AUTHORIZATION_DOC} lacks the ${MATRIX_START} … ${MATRIX_END} markers; add them where the table goes.`);
  return `${document.slice(0, start + MATRIX_START.length)}\n${renderAuthorizationTable()}\n${document.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(AUTHORIZATION_DOC, withCurrentTable(readFileSync(AUTHORIZATION_DOC, 'utf8')));
  console.log(`updated ${AUTHORIZATION_DOC}`);
}
