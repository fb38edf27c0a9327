/**
 * The CLI acts as one agency (or one of its officers): it holds the agency's
 * private keys in a local folder (`--keys`, default .local/demo-agencies for the
 * demo world) and mints a fresh short-lived token for every request.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import {
  OFFICER_ROLES,
  signAgencyToken,
  signOfficerToken,
  type OfficerRole,
} from '@liaison/crypto';
import { agencySigner, readAgencyKeyFile, type AgencyKeyFile } from '@liaison/runtime';

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

  /** An officer token when --officer is given, else the agency's own (system) token. */
  token(): string {
    const signer = agencySigner(this.keys);
    const base = {
      agencyId: this.agencyId,
      audience: this.options.audience ?? DEFAULT_AUDIENCE,
      jti: randomUUID(),
      now: Date.now,
    };
    return this.options.officer
      ? signOfficerToken({ ...base, officerId: this.options.officer, roles: this.roles() }, signer)
      : signAgencyToken(base, signer);
  }
}
