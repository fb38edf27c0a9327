/**
 * The policies aggregate in PostgreSQL (policy_version): each jurisdiction's
 * policy documents by version, at most one approved at a time. The world is
 * built from the approved ones (DirectoryRepository.rows reads them); the
 * demo world's loader approves a seeded document here. Give it a transaction's
 * EntityManager so the change commits with the rest of a world change.
 */
import { selectRows } from './sql-conditions';
import type { SqlRunner } from './sql-runner';

/** A policy document approved at once, with who wrote and who approved it. */
export interface NewApprovedPolicy {
  readonly id: string;
  readonly jurisdiction: string;
  readonly version: string;
  readonly document: object;
  readonly authorOfficer: string;
  readonly authorAgency: string;
  readonly approverOfficer: string;
}

export class PolicyRepository {
  constructor(private readonly db: SqlRunner) {}

  /** The version of the jurisdiction's approved policy; undefined when it has none. */
  async approvedVersion(jurisdiction: string): Promise<string | undefined> {
    const [row] = await selectRows<{ version: string }>(
      this.db,
      `SELECT version FROM policy_version WHERE jurisdiction = $1 AND status = 'approved'`,
      [jurisdiction],
    );
    return row?.version;
  }

  /** Marks the jurisdiction's approved policy superseded, then stores this one approved (decided now). */
  async replaceApproved(policy: NewApprovedPolicy): Promise<void> {
    await this.db.query(
      `UPDATE policy_version SET status = 'superseded' WHERE jurisdiction = $1 AND status = 'approved'`,
      [policy.jurisdiction],
    );
    await this.db.query(
      `INSERT INTO policy_version (id, jurisdiction, version, document, status, author_officer, author_agency, approver_officer, decided_at)
       VALUES ($1, $2, $3, $4::jsonb, 'approved', $5, $6, $7, now())`,
      [
        policy.id,
        policy.jurisdiction,
        policy.version,
        JSON.stringify(policy.document),
        policy.authorOfficer,
        policy.authorAgency,
        policy.approverOfficer,
      ],
    );
  }
}
