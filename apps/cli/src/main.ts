#!/usr/bin/env node
/**
 * `liaison`: the hub's command line for agencies and officers. Keys stay on the
 * agency's machine; every call to the hub carries a fresh short-lived token.
 * Exit codes: 0 success, 1 refused or failed verification, 2 usage error.
 */
import { Command, CommanderError } from 'commander';
import { consoleJustificationStatement } from '@liaison/crypto';
import { AgencyIdentity, DEFAULT_KEYS_DIR } from './agency-identity';
import { HubClient, HubError } from './hub-client';
import { readJsonInput } from '@liaison/local-files';
import { demoCommand } from './commands/demo.command';
import { feedCommand } from './commands/feed.command';
import { stixExportCommand } from './commands/stix.command';
import { keysGenerateCommand } from './commands/keys.command';
import { publishCommand } from './commands/publish.command';
import { verifyCommand } from './commands/verify.command';
import { registerAuditCommands } from './commands/audit.command';
import { registerCaseCommands } from './commands/case.command';
import { registerLinkCommands } from './commands/links.command';
import { justificationOf } from './commands/audit/audit-query';
import { registerOfficerCommands } from './commands/officer.command';
import { registerPolicyCommands } from './commands/policy.command';
import { print } from './output';
import { registerReaderCommands } from './commands/reader.command';
import { cliVersion } from './cli-version';

interface GlobalOptions {
  hub: string;
  agency?: string;
  officer?: string;
  roles?: string;
  keys?: string;
  json?: boolean;
}

const program = new Command();
program
  .name('liaison')
  .description(
    'Publish to, read from and audit the Liaison hub as an agency or one of its officers.',
  )
  .option('--hub <url>', 'hub base URL', process.env.LIAISON_HUB ?? 'http://127.0.0.1:8080')
  .option(
    '--agency <id>',
    'act as this agency (its keys must be in --keys)',
    process.env.LIAISON_AGENCY,
  )
  .option('--officer <id>', 'act as this officer of the agency (officer token)')
  .option('--roles <list>', 'officer roles, comma-separated (e.g. liaison,policy-author)')
  .option(
    '--keys <dir>',
    'folder with <agency>.keys.json',
    process.env.LIAISON_KEYS ?? DEFAULT_KEYS_DIR,
  )
  .option('--json', 'machine-readable output')
  .version(cliVersion(), '-V, --version', 'print the version of liaison')
  .exitOverride();

function globals(): GlobalOptions {
  return program.opts<GlobalOptions>();
}

export function identity(required = true): AgencyIdentity | undefined {
  const g = globals();
  if (!g.agency) {
    if (required) throw new CommanderError(2, 'liaison.usage', 'this command needs --agency <id>');
    return undefined;
  }
  return new AgencyIdentity({ agency: g.agency, keys: g.keys, officer: g.officer, roles: g.roles });
}

export function client(required = true): HubClient {
  return new HubClient(globals().hub, identity(required));
}

let exitCode = 0;

const keys = program.command('keys').description('manage your agency keys (kept on this machine)');
keys
  .command('generate')
  .description(
    "generate your agency's signing and encryption keys; prints the public JWKS to register",
  )
  .requiredOption('--for <agency>', 'agency id')
  .option('--alg <alg>', 'EdDSA (default) or ES256', 'EdDSA')
  .action((o: { for: string; alg: string }) => {
    exitCode = keysGenerateCommand(o.for, { ...globals(), alg: o.alg });
  });

program
  .command('token')
  .description(
    'print a fresh token (agency token, or officer token with --officer/--roles), e.g. for curl or the console',
  )
  .action(() => {
    const id = identity();
    process.stdout.write(`${id?.token() ?? ''}\n`);
  });

program
  .command('justify <text>')
  .description(
    'print your signed justification (audit.read statement) for a console session; paste it in the console',
  )
  .action((text: string) => {
    const id = identity() as AgencyIdentity;
    let justification: string;
    try {
      justification = justificationOf(text, 'the justification text');
    } catch (error) {
      throw new CommanderError(2, 'liaison.usage', (error as Error).message);
    }
    const { act, subject, claims } = consoleJustificationStatement(justification);
    process.stdout.write(`${id.statement(act, subject, claims)}\n`);
  });

const agency = program.command('agency').description('directory administration (admin role)');
agency
  .command('register <file>')
  .description(
    'register an agency from a JSON file {id,name,jurisdiction,kind,acceptedPurposes,retentionDays,jwks}',
  )
  .action(async (file: string) => {
    const result = await client().post('/v1/admin/agencies', readJsonInput(file));
    print(globals(), result);
  });

program
  .command('publish <input>')
  .description('sign and publish a message: a JSON file, a folder of them, NDJSON, or - for stdin')
  .option('--custodial', 'send plain JSON for the hub to sign with your custodial key')
  .option('--idempotency-key <key>', 'idempotency key (single message)')
  .action(async (input: string, o: { custodial?: boolean; idempotencyKey?: string }) => {
    const id = identity();
    if (!id) return;
    exitCode = await publishCommand(new HubClient(globals().hub, id), id, input, {
      ...globals(),
      ...o,
    });
  });

program
  .command('feed')
  .description("read your agency's feed (oldest first)")
  .option('--after <cursor>', 'start after this cursor', '0')
  .option('--follow', 'keep waiting for new deliveries')
  .option('--limit <n>', 'page size', '100')
  .action(async (o: { after: string; follow?: boolean; limit: string }) => {
    exitCode = await feedCommand(client(), identity(false), { ...globals(), ...o });
  });

const stix = program.command('stix').description('your feed as STIX 2.1');
stix
  .command('export')
  .description(
    'a range of your feed as one STIX 2.1 bundle: each delivery decrypted and verified here, your redacted view only',
  )
  .option('--after <cursor>', 'start after this feed cursor', '0')
  .option('--until <cursor>', 'stop at this feed cursor (inclusive)')
  .option('--out <file>', 'write the bundle to this file (else stdout)')
  .action(async (o: { after: string; until?: string; out?: string }) => {
    const id = identity();
    if (!id) return;
    exitCode = await stixExportCommand(new HubClient(globals().hub, id), id, o);
  });

program
  .command('verify <input>')
  .description(
    'verify a delivery (JSON from the feed) or a bare presentation, offline against JWKS files or the hub directory',
  )
  .option('--originator-jwks <file>', "the originator's JWKS (else fetched from --hub)")
  .option('--hub-jwks <file>', "the hub's JWKS for receipts (else fetched from --hub)")
  .option(
    '--max-lifetime <seconds>',
    "longest message lifetime (exp - iat) to accept: your hub's MESSAGE_MAX_LIFETIME_SECONDS (default 90 days)",
  )
  .action(
    async (
      input: string,
      o: { originatorJwks?: string; hubJwks?: string; maxLifetime?: string },
    ) => {
      const g = globals();
      exitCode = await verifyCommand(new HubClient(g.hub, undefined), identity(false), input, {
        ...g,
        ...o,
      });
    },
  );

registerPolicyCommands(
  program,
  () => client(),
  globals,
  () => identity() as AgencyIdentity,
);

registerOfficerCommands(program, () => client(), globals);

registerAuditCommands(
  program,
  () => client(),
  globals,
  (code) => (exitCode = code),
);

registerCaseCommands(
  program,
  () => client(),
  globals,
  () => identity(),
);

registerReaderCommands(
  program,
  { client: () => client(), identity: () => identity(), globals },
  (code) => (exitCode = code),
);

registerLinkCommands(program, () => client(), globals);

program
  .command('demo')
  .description('publish a realistic stream of alerts and case notices as several demo agencies')
  .option('--gateway <url>', 'hub base URL (same as --hub)')
  .option('--count <n>', 'stop after n messages')
  .option('--interval-ms <ms>', 'pause between messages', '3000')
  .action(async (o: { gateway?: string; count?: string; intervalMs: string }) => {
    exitCode = await demoCommand({
      hub: o.gateway ?? globals().hub,
      keys: globals().keys,
      count: o.count ? Number(o.count) : undefined,
      intervalMs: Number(o.intervalMs),
    });
  });

async function run(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
    process.exitCode = exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        process.exitCode = 0;
        return;
      }
      // Commander has printed its own errors already; ours (liaison.usage) it has not.
      if (error.code === 'liaison.usage') process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    const message =
      error instanceof HubError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`liaison: ${message}\n`);
    process.exitCode = 1;
  }
}

void run();
