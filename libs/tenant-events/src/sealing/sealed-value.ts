import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * v2: a personal field as events carry it, encrypted with its subject's data key (AES-256-GCM).
 * `kid` names the subject (`tenant:<id>` or `user:<id>`); `iv` and `ct` (ciphertext then the
 * 16-byte tag) are base64url. The field's path is bound in as associated data, so a sealed value
 * cannot be moved to another field or subject.
 */
export interface SealedValue {
  alg: 'A256GCM';
  kid: string;
  iv: string;
  ct: string;
}

/** Reads a subject's data key: 32 bytes, or null when it was destroyed (or never existed). */
export type SubjectKeyLookup = (subject: string) => Promise<Buffer | null>;

const TAG_BYTES = 16;

export function isSealedValue(value: unknown): value is SealedValue {
  const v = value as Partial<SealedValue> | null;
  return typeof v === 'object' && v !== null && v.alg === 'A256GCM' && typeof v.kid === 'string' && typeof v.iv === 'string' && typeof v.ct === 'string';
}

const aad = (kid: string, field: string) => Buffer.from(`${kid}|${field}`, 'utf8');

export function sealValue(key: Buffer, kid: string, field: string, plaintext: string): SealedValue {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad(kid, field));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { alg: 'A256GCM', kid, iv: iv.toString('base64url'), ct: ct.toString('base64url') };
}

/** The plaintext, or null when the key is gone (erased) or the value does not open with it. */
export function openValue(key: Buffer | null, sealed: SealedValue, field: string): string | null {
  if (!key) return null;
  try {
    const bytes = Buffer.from(sealed.ct, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64url')).setAAD(aad(sealed.kid, field));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
