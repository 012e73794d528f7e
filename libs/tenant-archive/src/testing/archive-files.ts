import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

export interface ArchiveEntry {
  name: string;
  data: Buffer;
}

/** Every entry of a tar file, in order, read into memory (test archives are small). */
export async function readArchiveEntries(file: string): Promise<ArchiveEntry[]> {
  const extract = tar.extract();
  const reading = pipeline(createReadStream(file), extract);
  const entries: ArchiveEntry[] = [];
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    entries.push({ name: entry.header.name, data: Buffer.concat(chunks) });
  }
  await reading;
  return entries;
}

/** Writes `entries` as a tar file: how a test makes an altered copy of an archive. */
export async function writeArchiveEntries(file: string, entries: ArchiveEntry[]): Promise<void> {
  const pack = tar.pack();
  const writing = pipeline(pack, createWriteStream(file));
  for (const { name, data } of entries) {
    await new Promise<void>((resolve, reject) => pack.entry({ name, size: data.length }, data, (error) => (error ? reject(error) : resolve())));
  }
  pack.finalize();
  await writing;
}
