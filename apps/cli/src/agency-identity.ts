/**
 * The CLI acts as one agency (a machine) or one of its officers (a person): it
 * holds the agency's private keys, and each officer's own enrolled key, in a
 * local folder (`--keys`, default .local/demo-agencies for the demo world) and
 * mints a fresh short-lived token for every request. An officer token is signed
 * with the officer's key (`<agency>.officer.<officer>.keys.json`), never the
 * agency's: the hub refuses anything else.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import {
  OFFICER_ROLES,
  auditReadStatement,
  newStatement,
  signAgencyToken,
  signOfficerStatement,
  signOfficerToken,
  type OfficerRole,
  type StatementAct,
  type StatementClaims,
} from '@liaison/crypto';
import {
  agencySigner,
  officerKeyFilePath,
  officerSigner,
  readAgencyKeyFile,
  readOfficerKeyFile,
  type AgencyKeyFile,
  type OfficerKeyFile,
} from '@liaison/local-files';
import { existsSync } from 'node:fs';

export const DEFAULT_KEYS_DIR = path.resolve(__dirname, '../../../../.local/demo-agencies');
export const DEFAULT_AUDIENCE = 'liaison-hub';

export interface IdentityOptions {
  readonly agency: string;
  readonly keys?: string;
  readonly officer?: string;
  readonly roles?: string;
  readonly audience?: string;
}

export class AgencyIdentity {
  readonly keys: AgencyKeyFile;

  constructor(private readonly options: IdentityOptions) {
    this.keys = readAgencyKeyFile(options.keys ?? DEFAULT_KEYS_DIR, options.agency);
  }

  get agencyId(): string {
    return this.options.agency;
  }

  roles(): OfficerRole[] {
    const roles = (this.options.roles ?? 'liaison').split(',').map((r) => r.trim());
    for (const role of roles) {
      if (!(OFFICER_ROLES as readonly string[]).includes(role))
        throw new Error(`unknown role ${role}; one of ${OFFICER_ROLES.join(', ')}`);
    }
    return roles as OfficerRole[];
  }

  /** The officer's own key file (when --officer is given). */
  officerKeys(): OfficerKeyFile {
    const officer = this.options.officer;
    if (!officer) throw new Error('no --officer given');
    const dir = this.options.keys ?? DEFAULT_KEYS_DIR;
    if (!existsSync(officerKeyFilePath(dir, this.agencyId, officer))) {
      throw new Error(
        `officer ${officer} of ${this.agencyId} has no enrolled key in ${dir} ` +
          `(expected ${path.basename(officerKeyFilePath(dir, this.agencyId, officer))}); ` +
          'officers sign with their own key: ask your officer administrator to enrol you',
      );
    }
    return readOfficerKeyFile(dir, this.agencyId, officer);
  }

  /** An officer token when --officer is given, else the agency's own (system) token. */
  token(): string {
    const base = {
      agencyId: this.agencyId,
      audience: this.options.audience ?? DEFAULT_AUDIENCE,
      jti: randomUUID(),
      now: Date.now,
    };
    return this.options.officer
      ? signOfficerToken(
          { ...base, officerId: this.options.officer, roles: this.roles() },
          officerSigner(this.officerKeys()),
        )
      : signAgencyToken(base, agencySigner(this.keys));
  }

  /**
   * The X-Justification of one audit read: the officer's audit.read statement
   * binding `justification` to this method and target (path and query as sent).
   */
  auditJustification(method: string, target: string, justification: string): string {
    const { act, subject, claims } = auditReadStatement(method, target, justification);
    return this.statement(act, subject, claims);
  }

  /** The officer's signed statement of an act (policy draft, approval, rejection, audit read). */
  statement(act: StatementAct, subject: string, claims: StatementClaims): string {
    const officer = this.options.officer;
    if (!officer) throw new Error(`${act} is an officer's act: give --officer`);
    return signOfficerStatement(
      newStatement({
        iss: this.agencyId,
        sub: officer,
        act,
        subject,
        claims,
        jti: randomUUID(),
        now: Date.now,
      }),
      officerSigner(this.officerKeys()),
    );
  }
}
