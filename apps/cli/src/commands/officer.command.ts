/**
 * `liaison officer enrol|list|revoke`: officer enrolment through the admin API
 * (/v1/admin/agencies/:id/officers), as the agency's officer administrator
 * (own agency) or the hub's directory administrator (any agency, `--of`).
 * `enrol` generates the officer's key pair on this machine and writes it where
 * the CLI's officer login looks for it (`<keys>/<agency>.officer.<officer>.keys.json`,
 * mode 0600); only the public JWK goes to the hub. The key file is written
 * before the hub is asked and removed again if the hub refuses, so an enrolled
 * key always has its private half here, and a refused one leaves nothing.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { CommanderError, type Command } from 'commander';
import {
  OFFICER_ROLES,
  generateAgencyKeys,
  OFFICER_ID_PATTERN,
  type GeneratedAgencyKeys,
} from '@liaison/crypto';
import { officerKeyFilePath, type OfficerKeyFile } from '@liaison/local-files';
import { DEFAULT_KEYS_DIR } from '../agency-identity';
import type { HubClient } from '../hub-client';
import { print, type OutputOptions } from '../output';

/** An enrolment as the admin API answers it. */
export interface EnrolledOfficer {
  readonly agencyId: string;
  readonly officerId: string;
  readonly kid: string;
  readonly roles: readonly string[];
  readonly status: 'active' | 'revoked';
  readonly enrolledAt: string;
  readonly enrolledBy: string;
  readonly revokedAt: string | null;
}

interface OfficerGlobals extends OutputOptions {
  readonly agency?: string;
  readonly keys?: string;
}

function usage(message: string): never {
  throw new CommanderError(2, 'liaison.usage', message);
}

/** The roles to grant: known officer roles, comma-separated, no duplicates. */
export function grantedRoles(list: string): string[] {
  const roles = list
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
  if (roles.length === 0) usage('--grant: name at least one role');
  for (const role of roles) {
    if (!(OFFICER_ROLES as readonly string[]).includes(role))
      usage(`--grant: unknown role ${role}; one of ${OFFICER_ROLES.join(', ')}`);
  }
  if (new Set(roles).size !== roles.length) usage('--grant: a role is named twice');
  return roles;
}

function officerIdOf(value: string): string {
  if (!OFFICER_ID_PATTERN.test(value))
    usage(`not an officer id: ${value} (^[a-z0-9][a-z0-9._-]{0,63}$)`);
  return value;
}

const pad = (cells: readonly string[], widths: readonly number[]): string =>
  cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');

/** A fixed-width table for people: one line per enrolment, newest state. */
export function officerTable(officers: readonly EnrolledOfficer[]): string {
  if (officers.length === 0) return 'no officers enrolled';
  const head = ['OFFICER', 'STATUS', 'ROLES', 'KID', 'ENROLLED (UTC)', 'BY', 'REVOKED (UTC)'];
  const rows = officers.map((o) => [
    o.officerId,
    o.status,
    o.roles.join(','),
    o.kid,
    o.enrolledAt.slice(0, 19).replace('T', ' '),
    o.enrolledBy,
    o.revokedAt ? o.revokedAt.slice(0, 19).replace('T', ' ') : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  return [pad(head, widths), ...rows.map((r) => pad(r, widths))].join('\n').replace(/ +$/gm, '');
}

export function registerOfficerCommands(
  program: Command,
  client: () => HubClient,
  globals: () => OfficerGlobals,
): void {
  const agencyOf = (of: string | undefined): string => {
    const agency = of ?? globals().agency;
    if (!agency) usage('name the agency: --of <agency> (default: --agency)');
    return agency;
  };
  const base = (agency: string): string =>
    `/v1/admin/agencies/${encodeURIComponent(agency)}/officers`;

  const officer = program
    .command('officer')
    .description(
      "enrol, list and revoke an agency's officers (officer-admin of the agency, or the hub's admin)",
    );

  officer
    .command('enrol <officerId>')
    .description(
      "generate the officer's key pair here, enrol its public key with the roles it may hold",
    )
    .requiredOption('--grant <roles>', `roles the officer may hold, e.g. liaison,policy-author`)
    .option('--of <agency>', "the officer's agency (default: --agency)")
    .option('--alg <alg>', 'EdDSA (default) or ES256', 'EdDSA')
    .addHelpText(
      'after',
      `
Example (nl-knp's officer administrator enrols eva):
  liaison --agency nl-knp --officer nils --roles officer-admin \\
    officer enrol eva --grant liaison,policy-author
The private key is written to <keys>/<agency>.officer.<officer>.keys.json (0600) and
never leaves this machine; hand the file to the officer over a channel you trust.`,
    )
    .action(async (id: string, o: { grant: string; of?: string; alg: string }) => {
      const officerId = officerIdOf(id);
      const roles = grantedRoles(o.grant);
      if (o.alg !== 'EdDSA' && o.alg !== 'ES256') usage('--alg: EdDSA or ES256');
      const agencyId = agencyOf(o.of);
      const dir = globals().keys ?? DEFAULT_KEYS_DIR;
      const file = officerKeyFilePath(dir, agencyId, officerId);
      if (existsSync(file))
        usage(
          `${file} exists: this officer already has a key here. Revoke the enrolment and move the file away first`,
        );
      const signing: GeneratedAgencyKeys = generateAgencyKeys(o.alg);
      const keyFile: OfficerKeyFile = { agencyId, officerId, signing };
      const pending = `${file}.pending`;
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(pending, JSON.stringify(keyFile, null, 2), { mode: 0o600, flag: 'wx' });
      let enrolled: EnrolledOfficer;
      try {
        enrolled = await client().post<EnrolledOfficer>(base(agencyId), {
          officerId,
          roles,
          jwk: signing.publicJwk,
        });
      } catch (error) {
        rmSync(pending, { force: true });
        throw error;
      }
      renameSync(pending, file);
      print(
        globals(),
        { ...enrolled, keyFile: file },
        () =>
          `enrolled ${enrolled.officerId} of ${enrolled.agencyId} (kid ${enrolled.kid}) ` +
          `with roles ${enrolled.roles.join(', ')}\nprivate key: ${file}`,
      );
    });

  officer
    .command('list')
    .description("the agency's officer enrolments, active and revoked")
    .option('--of <agency>', 'the agency (default: --agency)')
    .action(async (o: { of?: string }) => {
      const officers = await client().get<EnrolledOfficer[]>(base(agencyOf(o.of)));
      print(globals(), officers, () => officerTable(officers));
    });

  officer
    .command('revoke <officerId>')
    .description("revoke the officer's enrolment at once: tokens, sessions and JWKS entry end")
    .option('--of <agency>', "the officer's agency (default: --agency)")
    .action(async (id: string, o: { of?: string }) => {
      const officerId = officerIdOf(id);
      const agencyId = agencyOf(o.of);
      const revoked = await client().post<EnrolledOfficer>(
        `${base(agencyId)}/${encodeURIComponent(officerId)}/revoke`,
        {},
      );
      print(
        globals(),
        revoked,
        () =>
          `revoked ${revoked.officerId} of ${revoked.agencyId} (kid ${revoked.kid}) ` +
          `at ${revoked.revokedAt ?? 'now'}`,
      );
    });
}
