/**
 * `liaison audit search|export|checkpoint|verify|refusals`: the share ledger for
 * liaison officers (own agency, sent and received) and oversight (every agency,
 * metadata only), and the refusals in the law-enforcement log. Every read carries the officer's
 * --justification as an audit.read statement signed with the officer's own key and bound to that
 * request (X-Justification); the hub verifies it, keeps it in the officer statement log and logs it. `audit verify` works offline from an export
 * and a saved checkpoint; `audit verify --proof <seq>` fetches one inclusion
 * proof and checks it against the saved checkpoint.
 */
import { closeSync, existsSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { CommanderError, Option, type Command } from 'commander';
import type { Jwks } from '@liaison/crypto';
import { csvHeader, csvLine, type LedgerRowView, type TrustedCheckpoint } from '@liaison/ledger';
import { HubClient } from '../hub-client';
import { readInputText, readJsonInput } from '@liaison/local-files';
import { print, progress, progressCount, type OutputOptions } from '../output';
import {
  MAX_PAGE,
  UsageError,
  auditQuery,
  checkOutPath,
  justificationOf,
  pagePath,
  recordTable,
  wholeNumber,
  type AuditFilterOptions,
  type AuditPage,
} from './audit/audit-query';
import {
  checkpointJwsOf,
  exportedRecords,
  trustCheckpointWith,
  verifyExport,
  verifyProofOffline,
  type ProofDocument,
} from './audit/ledger-offline';
import {
  refusalQuery,
  refusalTable,
  type RefusalFilterOptions,
  type RefusalPage,
} from './audit/refusal-query';

interface ReadOptions extends AuditFilterOptions {
  readonly justification?: string;
  readonly limit?: string;
}

const FILTERS_HELP = `
Filters (all optional, combined with AND):
  --case-ref, --counterpart (agency id), --counterpart-jurisdiction (NL, INT, ...),
  --direction sent|received|all, --from/--to (ISO 8601, on the decision time),
  --decision FULL|REDACTED|DENIED, --rule (rule id), --message-type (e.g. VICTIM_AT_RISK).
A liaison officer (--officer X --roles liaison) sees their own agency's records;
oversight (--agency eu-dpo --officer X --roles oversight) sees every agency's metadata.`;

function withFilters(command: Command): Command {
  return command
    .option('--case-ref <ref>', 'only this case reference')
    .option('--counterpart <agency>', 'only records with this other agency')
    .option(
      '--counterpart-jurisdiction <code>',
      "only records with this other party's jurisdiction",
    )
    .addOption(
      new Option('--direction <dir>', 'what your agency sent, received, or both')
        .choices(['sent', 'received', 'all'])
        .default('all'),
    )
    .option('--from <iso>', 'decided at or after (ISO 8601)')
    .option('--to <iso>', 'decided at or before (ISO 8601)')
    .addOption(
      new Option('--decision <d>', 'only this outcome').choices(['FULL', 'REDACTED', 'DENIED']),
    )
    .option('--rule <id>', 'only decisions where this rule applied')
    .option('--message-type <type>', 'only this message type')
    .option('--justification <text>', 'why you are reading the audit (required; it is logged)');
}

function usage(error: unknown): never {
  if (error instanceof UsageError) throw new CommanderError(2, 'liaison.usage', error.message);
  throw error;
}

function readJson<T>(file: string, what: string): T {
  try {
    return readJsonInput(file) as T;
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}`);
  }
}

export function registerAuditCommands(
  program: Command,
  client: () => HubClient,
  globals: () => OutputOptions,
  setExit: (code: number) => void,
): void {
  const hubUrl = (): string => String(program.opts<{ hub?: string }>().hub);
  const publicClient = (): HubClient => new HubClient(hubUrl(), undefined);
  const hubJwksOf = async (file: string | undefined): Promise<Jwks> =>
    file ? readJson<Jwks>(file, 'hub JWKS') : publicClient().get<Jwks>('/.well-known/jwks.json');

  /** Pages through /v1/audit/records, calling `onPage` for each, up to `max` rows. */
  async function pages(
    o: ReadOptions,
    limit: number,
    max: number,
    onPage: (records: LedgerRowView[], total: number) => void,
  ): Promise<{ total: number; nextCursor: string | null }> {
    let filters: URLSearchParams;
    let justification: string;
    try {
      filters = auditQuery(o);
      justification = justificationOf(o.justification);
    } catch (error) {
      usage(error);
    }
    const hub = client();
    let cursor = '0';
    let total = 0;
    for (;;) {
      const size = Math.min(limit, max - total);
      const page = await hub.auditGet<AuditPage>(pagePath(filters, cursor, size), justification);
      total += page.records.length;
      onPage(page.records, total);
      if (page.nextCursor === null) return { total, nextCursor: null };
      cursor = page.nextCursor;
      if (total >= max) return { total, nextCursor: cursor };
    }
  }

  const audit = program
    .command('audit')
    .description(
      'search, export and verify the share ledger (liaison officers: own agency; oversight: metadata of all)',
    );

  withFilters(
    audit
      .command('search')
      .description('search the ledger; prints a table (or JSON with --json), oldest first'),
  )
    .option('--limit <n>', `page size per request (1-${MAX_PAGE})`, '100')
    .option('--max <n>', 'stop after this many rows', '1000')
    .addHelpText(
      'after',
      `${FILTERS_HELP}

Example:
  liaison --agency nl-knp --officer anna --roles liaison audit search \\
    --case-ref NL-2026-0042 --direction sent --justification "case review NL-2026-0042"`,
    )
    .action(async (o: ReadOptions & { max: string }) => {
      let limit: number;
      let max: number;
      try {
        limit = wholeNumber('--limit', o.limit, 1, MAX_PAGE) ?? 100;
        max = wholeNumber('--max', o.max, 1, Number.MAX_SAFE_INTEGER) ?? 1000;
      } catch (error) {
        usage(error);
      }
      const records: LedgerRowView[] = [];
      const { nextCursor } = await pages(o, limit, max, (page) => records.push(...page));
      print(globals(), { records, nextCursor }, () =>
        records.length === 0
          ? 'no records'
          : `${recordTable(records)}\n${records.length} record(s)${
              nextCursor ? `; more after seq ${nextCursor} (raise --max)` : ''
            }`,
      );
    });

  audit
    .command('refusals')
    .description(
      'refused requests and dead letters recorded in the law-enforcement log (metadata only), oldest first',
    )
    .option('--refused-agency <agency>', 'only refusals naming this agency (or unknown)')
    .option('--reason <code>', 'only this reason code, or a family ending in a dot (sdjwt.)')
    .addOption(
      new Option('--stage <stage>', 'where it was refused').choices(['gateway', 'worker', 'case']),
    )
    .addOption(
      new Option('--attribution <how>', 'how the agency was established').choices([
        'verified',
        'claimed',
        'unknown',
      ]),
    )
    .option('--from <iso>', 'logged at or after (ISO 8601)')
    .option('--to <iso>', 'logged at or before (ISO 8601)')
    .option('--limit <n>', `page size per request (1-${MAX_PAGE})`, '100')
    .option('--max <n>', 'stop after this many entries', '1000')
    .option('--justification <text>', 'why you are reading the audit (required; it is logged)')
    .addHelpText(
      'after',
      `
Each entry: when, where (gateway, worker or case), the agency (verified by the hub, only
claimed by the request, or unknown), reason code, HTTP status, key id, message id.
Beyond the hub's per-agency limit a window's refusals are one entry with their count.
Oversight sees every agency's refusals; a liaison officer those naming their own agency.

Example:
  liaison --agency eu-dpo --officer olga --roles oversight audit refusals \\
    --reason sdjwt. --justification "weekly review of refused submissions"`,
    )
    .action(
      async (
        o: RefusalFilterOptions & {
          limit: string;
          max: string;
          justification?: string;
        },
      ) => {
        let filters: URLSearchParams;
        let justification: string;
        let limit: number;
        let max: number;
        try {
          filters = refusalQuery(o);
          justification = justificationOf(o.justification);
          limit = wholeNumber('--limit', o.limit, 1, MAX_PAGE) ?? 100;
          max = wholeNumber('--max', o.max, 1, Number.MAX_SAFE_INTEGER) ?? 1000;
        } catch (error) {
          usage(error);
        }
        const hub = client();
        const refusals: RefusalPage['refusals'] = [];
        let cursor = '0';
        let nextCursor: string | null = null;
        for (;;) {
          const page = await hub.auditGet<RefusalPage>(
            pagePath(filters, cursor, Math.min(limit, max - refusals.length), 'refusals'),
            justification,
          );
          refusals.push(...page.refusals);
          nextCursor = page.nextCursor;
          if (nextCursor === null || refusals.length >= max) break;
          cursor = nextCursor;
        }
        const counted = refusals.reduce((n, r) => n + r.count, 0);
        print(globals(), { refusals, nextCursor }, () =>
          refusals.length === 0
            ? 'no refusals'
            : `${refusalTable(refusals)}\n${refusals.length} entr${refusals.length === 1 ? 'y' : 'ies'}, ${counted} refusal(s)${
                nextCursor ? `; more after id ${nextCursor} (raise --max)` : ''
              }`,
        );
      },
    );

  withFilters(
    audit
      .command('export')
      .description(
        'export every matching record to a file (CSV or JSON), page by page, with progress on stderr',
      ),
  )
    .addOption(
      new Option('--format <format>', 'csv (spreadsheet) or json (input of `audit verify`)')
        .choices(['csv', 'json'])
        .makeOptionMandatory(),
    )
    .requiredOption('--out <file>', 'file to write (refused if it exists, unless --force)')
    .option('--force', 'overwrite --out if it exists')
    .addHelpText(
      'after',
      `${FILTERS_HELP}

For \`audit verify --records\`, export the WHOLE ledger as oversight, without filters,
so the file holds every row from seq 1 (a liaison export has gaps: other agencies' rows).

Example:
  liaison --agency eu-dpo --officer olga --roles oversight audit export \\
    --format json --out ledger.json --justification "quarterly integrity check"`,
    )
    .action(async (o: ReadOptions & { format: 'csv' | 'json'; out: string; force?: boolean }) => {
      let out: string;
      try {
        out = checkOutPath(o.out);
      } catch (error) {
        usage(error);
      }
      if (!o.force && existsSync(out))
        throw new CommanderError(2, 'liaison.usage', `${out} exists; add --force to overwrite`);
      // Validate everything before creating the file.
      try {
        auditQuery(o);
        justificationOf(o.justification);
      } catch (error) {
        usage(error);
      }
      const fd = openSync(out, o.force ? 'w' : 'wx', 0o600);
      let first: number | null = null;
      let last: number | null = null;
      let bytes = 0;
      const write = (text: string): void => {
        bytes += writeSync(fd, text);
      };
      let ok = false;
      try {
        if (o.format === 'csv') write(csvHeader());
        else
          write(
            `{"format":"liaison-audit-export/1","hub":${JSON.stringify(hubUrl())},"exportedAt":${JSON.stringify(
              new Date().toISOString(),
            )},"filters":${JSON.stringify(Object.fromEntries(auditQuery(o)))},"records":[`,
          );
        const { total } = await pages(o, MAX_PAGE, Number.MAX_SAFE_INTEGER, (records, total) => {
          for (const r of records) {
            if (o.format === 'csv') write(csvLine(r));
            else write(`${last === null ? '' : ','}\n${JSON.stringify(r)}`);
            first ??= r.seq;
            last = r.seq;
          }
          progressCount(total, 'rows exported');
        });
        progressCount(total, 'rows exported', true);
        if (o.format === 'json') write(`\n],"count":${total}}\n`);
        ok = true;
        print(
          globals(),
          { out, format: o.format, rows: total, firstSeq: first, lastSeq: last, bytes },
          () =>
            `exported ${total} record(s)${total > 0 ? ` (seq ${first}..${last})` : ''} to ${out} (${o.format}, ${bytes} bytes)`,
        );
      } finally {
        closeSync(fd);
        if (!ok) unlinkSync(out);
      }
    });

  audit
    .command('checkpoint')
    .description(
      "fetch the hub's latest signed checkpoint (tree size + Merkle root), check its signature, save the JWS",
    )
    .requiredOption('--out <file>', 'where to save the checkpoint JWS')
    .option('--force', 'overwrite --out if it exists')
    .option('--hub-jwks <file>', "the hub's JWKS (else fetched from --hub)")
    .option('--justification <text>', 'why you are reading the audit (required; it is logged)')
    .addHelpText(
      'after',
      `
Keep the saved file: later \`audit verify --checkpoint <file>\` proves the ledger still
extends exactly what the hub signed then.`,
    )
    .action(
      async (o: { out: string; force?: boolean; hubJwks?: string; justification?: string }) => {
        let out: string;
        let justification: string;
        try {
          out = checkOutPath(o.out);
          justification = justificationOf(o.justification);
        } catch (error) {
          usage(error);
        }
        if (!o.force && existsSync(out))
          throw new CommanderError(2, 'liaison.usage', `${out} exists; add --force to overwrite`);
        const { checkpoints } = await client().auditGet<{
          checkpoints: { treeSize: number; rootHash: string; jws: string; issuedAt: string }[];
        }>('/v1/audit/checkpoints?limit=1', justification);
        const latest = checkpoints[0];
        if (!latest) throw new Error('the hub has not signed a checkpoint yet; try again shortly');
        const trusted = trustCheckpointWith(latest.jws, await hubJwksOf(o.hubJwks));
        const fd = openSync(out, o.force ? 'w' : 'wx', 0o644);
        try {
          writeSync(fd, `${latest.jws}\n`);
        } finally {
          closeSync(fd);
        }
        print(
          globals(),
          { out, ...trusted, issuedAt: latest.issuedAt },
          () =>
            `checkpoint: ${trusted.treeSize} rows, root ${trusted.rootHash} (signed ${latest.issuedAt}; signature VALID) saved to ${out}`,
        );
      },
    );

  audit
    .command('verify')
    .description(
      'verify the ledger against saved checkpoints: offline from an export, or one row with --proof',
    )
    .option(
      '--checkpoint <file>',
      'a saved checkpoint (JWS, or the JSON the hub returns); repeat for several',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--records <file>', 'an export of the whole ledger (`audit export --format json`)')
    .option('--hub-jwks <file>', "the hub's JWKS (else fetched from --hub's public directory)")
    .option('--proof <seq>', 'fetch the inclusion proof of this row and check it (needs officer)')
    .option('--justification <text>', 'with --proof: why you are reading the audit (logged)')
    .addHelpText(
      'after',
      `
Offline (at most the hub's public JWKS is fetched; nothing at all with --hub-jwks):
  liaison audit verify --records ledger.json --checkpoint cp.jws --hub-jwks hub.jwks.json
  Recomputes every row's leaf hash from its fields (seq 1..N in order), rebuilds the
  RFC 6962 Merkle tree, checks each checkpoint's hub signature and that the root at its
  tree size equals the signed root.

One row (liaison or oversight officer):
  liaison --agency nl-knp --officer anna --roles liaison audit verify --proof 42 \\
    --checkpoint cp.jws --justification "verify delivery record 42"
  Fetches the row and its inclusion proof; if the proof is against a newer checkpoint,
  that one's signature and a consistency proof from your saved checkpoint are checked.

Exit code 0: valid; 1: invalid (the first mismatching seq is named); 2: usage.`,
    )
    .action(
      async (o: {
        checkpoint?: string[];
        records?: string;
        hubJwks?: string;
        proof?: string;
        justification?: string;
      }) => {
        if (!o.checkpoint || o.checkpoint.length === 0)
          throw new CommanderError(2, 'liaison.usage', 'give at least one --checkpoint <file>');
        if (!o.records && o.proof === undefined)
          throw new CommanderError(
            2,
            'liaison.usage',
            'give --records <export.json> or --proof <seq>',
          );
        const hubJwks = await hubJwksOf(o.hubJwks);
        const saved: TrustedCheckpoint[] = [];
        for (const file of o.checkpoint) {
          try {
            saved.push(trustCheckpointWith(checkpointJwsOf(readInputText(file)), hubJwks));
          } catch (error) {
            print(
              globals(),
              { valid: false, checkpoint: file, error: (error as Error).message },
              () => `INVALID checkpoint ${file}: ${(error as Error).message}`,
            );
            setExit(1);
            return;
          }
        }
        const records = o.records ? exportedRecords(readInputText(o.records)) : undefined;

        if (o.proof === undefined) {
          const report = verifyExport(records ?? [], saved, (done, total) =>
            progress(done, total, 'rows verified'),
          );
          print(globals(), report, () =>
            [
              `rows: ${report.rows}, recomputed root: ${report.rootHash}`,
              ...report.checkpoints.map(
                (c) =>
                  `checkpoint ${c.treeSize} rows (signature VALID): root ${c.matches ? 'MATCHES' : 'DIFFERS'}`,
              ),
              report.valid
                ? 'ledger VALID'
                : `ledger INVALID${report.firstBadSeq !== null ? ` from seq ${report.firstBadSeq}` : ''}:\n${report.summary
                    .map((s) => `  - ${s}`)
                    .join('\n')}`,
            ].join('\n'),
          );
          setExit(report.valid ? 0 : 1);
          return;
        }

        let seq: number;
        let justification: string;
        try {
          seq = wholeNumber('--proof', o.proof, 1, Number.MAX_SAFE_INTEGER) as number;
          justification = justificationOf(o.justification);
        } catch (error) {
          usage(error);
        }
        const hub = client();
        const anchor = saved.reduce((a, b) => (b.treeSize > a.treeSize ? b : a));
        const proof = await hub.auditGet<ProofDocument>(`/v1/audit/proof/${seq}`, justification);
        let record = records?.find((r) => r.seq === seq);
        if (!record) {
          const page = await hub.auditGet<AuditPage>(
            `/v1/audit/records?cursor=${seq - 1}&limit=1`,
            justification,
          );
          record = page.records.find((r) => r.seq === seq);
          if (!record) throw new Error(`record ${seq} is not visible to you`);
        }
        let consistencyProof: string[] | undefined;
        if (proof.treeSize > anchor.treeSize && anchor.treeSize > 0) {
          consistencyProof = (
            await hub.auditGet<{ proof: string[] }>(
              `/v1/audit/consistency?from=${anchor.treeSize}&to=${proof.treeSize}`,
              justification,
            )
          ).proof;
        }
        const report = verifyProofOffline({
          record,
          proof,
          saved: anchor,
          hubJwks,
          consistencyProof,
        });
        print(globals(), report, () =>
          report.valid
            ? `seq ${seq}: VALID: included in the hub-signed tree of ${report.provedAgainst?.treeSize} rows` +
              (report.consistency === 'verified'
                ? `, which extends your saved checkpoint of ${anchor.treeSize} rows`
                : report.consistency === 'same-checkpoint'
                  ? ' (your saved checkpoint)'
                  : '')
            : `seq ${seq}: INVALID\n${report.summary.map((s) => `  - ${s}`).join('\n')}`,
        );
        setExit(report.valid ? 0 : 1);
      },
    );
}
