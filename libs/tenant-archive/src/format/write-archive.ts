import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { MANIFEST_ENTRY, PART_NAMES, type ArchiveManifest, type PartName } from './manifest.ts';

/** sha256 (hex) and size of a file, streamed. */
export async function fileDigest(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return { sha256: hash.digest('hex'), bytes: (await stat(path)).size };
}

/** Digests of every part in `dir` (each at its entry name). */
export async function digestParts(dir: string): Promise<ArchiveManifest['parts']> {
  const entries = await Promise.all(PART_NAMES.map(async (part) => [part, await fileDigest(join(dir, part))] as const));
  return Object.fromEntries(entries) as ArchiveManifest['parts'];
}

/**
 * One tar file: the manifest first, then every part streamed from `dir`. Written beside `outFile`
 * and renamed into place at the end, so `outFile` is either absent or whole.
 */
export async function writeArchive(outFile: string, dir: string, manifest: ArchiveManifest): Promise<void> {
  const partial = `${outFile}.partial`;
  const pack = tar.pack();
  // Owner-only: an archive holds the tenant's data and its members' e-mails and names.
  const written = pipeline(pack, createWriteStream(partial, { mode: 0o600 }));
  try {
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    await new Promise<void>((resolve, reject) => pack.entry({ name: MANIFEST_ENTRY, size: manifestBytes.length, mode: 0o644 }, manifestBytes, (error) => (error ? reject(error) : resolve())));
    for (const part of PART_NAMES) await addFile(pack, part, join(dir, part), manifest.parts[part].bytes);
    pack.finalize();
    await written;
    await rename(partial, outFile);
  } catch (error) {
    pack.destroy();
    await written.catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
}

async function addFile(pack: tar.Pack, name: PartName, path: string, size: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const sink = pack.entry({ name, size, mode: 0o644 }, (error) => (error ? reject(error) : resolve()));
    createReadStream(path).once('error', reject).pipe(sink);
  });
}
