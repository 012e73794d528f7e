/**
 * Chilean RUT: body digits plus a modulo-11 check digit (0-9 or K). Accepts the usual spellings
 * (`12.345.678-5`, `123456785`, `12345678-k`) and stores `12345678-5` / `7654321-K`.
 */
export function normalizeRut(input: string): string | null {
  const compact = input.replace(/[.\s]/g, '').toUpperCase();
  const match = /^(\d{1,8})-?([\dK])$/.exec(compact);
  if (!match) return null;
  const body = match[1].replace(/^0+(?=\d)/, '');
  if (Number(body) === 0) return null;
  return rutCheckDigit(body) === match[2] ? `${body}-${match[2]}` : null;
}

/** The check digit of a RUT body: modulo 11, weights 2..7 from the right; 11 → 0, 10 → K. */
export function rutCheckDigit(body: string): string {
  let sum = 0;
  let factor = 2;
  for (let i = body.length - 1; i >= 0; i--) {
    sum += Number(body[i]) * factor;
    factor = factor === 7 ? 2 : factor + 1;
  }
  const digit = 11 - (sum % 11);
  return digit === 11 ? '0' : digit === 10 ? 'K' : String(digit);
}
