// Reads recorded histories from files: the output of `durabletask export` or `show --history --json`.
import { readFile } from 'node:fs/promises';
import { parseHistories, type ExportedHistory } from '../protocol/history-json.js';

/** Every history in the file, in file order; errors name the file and line. */
export async function readHistories(path: string | URL): Promise<ExportedHistory[]> {
  return parseHistories(await readFile(path, 'utf8'), String(path));
}
