/**
 * COPY FROM STDIN on a pg connection (inside the caller's transaction): rows
 * streamed as COPY text, chunk by chunk as the caller produces them. The share
 * ledger's writer sends its rows and the recipients' presentations this way,
 * one stream per batch rather than a statement of array parameters.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Streams the chunks' text (COPY's text format, columns in the order given)
 * into the table; returns the number of rows the server reports copied
 * (its CommandComplete).
 */
export async function copyFromStdin(
  client: PoolClient,
  table: string,
  columns: readonly string[],
  chunks: Iterable<string>,
): Promise<number> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table name: ${table}`);
  const sink = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks, { objectMode: false }), sink);
  return sink.rowCount;
}
