/**
 * Audit reads are justified by the reading officer's own signed statement
 * (docs/adr/0009-officer-keys-and-signed-statements.md). Default deny:
 *
 * - a token's read carries `X-Justification: <compact JWS>`, an `audit.read`
 *   statement by the token's own enrolled key that binds the justification to
 *   this request (method, path and the digest of path and query), fresh and
 *   never used before;
 * - a console session's read uses the signed justification attached to the
 *   session (POST /v1/console/session/justification), recorded once;
 * - plain text, a statement of someone else, a stale, replayed or foreign
 *   statement is refused with its own reason code.
 *
 * Each accepted statement is appended to the officer statement log; its
 * receipt goes into the CONSULTATION entry of the law-enforcement log.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import {
  MAX_JUSTIFICATION,
  auditReadStatement,
  consoleJustificationStatement,
  isJustification,
  type OfficerStatement,
  type StatementExpectation,
} from '@liaison/crypto';
import { DomainError } from '@liaison/errors';
import type { AuthContext, SignedJustification } from '../auth/auth-context';
import type { DirectoryCache } from '../directory-cache';
import { DATA_SOURCE, DIRECTORY_CACHE } from '../tokens';
import { appendStatement, checkStatement, type ExpectedStatement } from './statement-recorder';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The claimed justification, checked before the rest of the statement is compared. */
function withJustification(
  expectation: (justification: string) => StatementExpectation,
): ExpectedStatement {
  return (s: OfficerStatement) => {
    const text = s.claims.justification;
    if (!isJustification(text)) {
      throw new DomainError(
        'statement.mismatch',
        `statement claim justification must be trimmed text of 1 to ${MAX_JUSTIFICATION} characters`,
        'invalid-input',
        { field: 'claims.justification' },
      );
    }
    return expectation(text);
  };
}

function required(message: string): DomainError {
  return new DomainError('audit.justification-required', message, 'invalid-input', {
    field: 'X-Justification',
  });
}

@Injectable()
export class AuditJustifications {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(DIRECTORY_CACHE) private readonly directory: DirectoryCache,
  ) {}

  /** The verified, recorded justification of one audit read (method and target as received). */
  async ofRead(
    auth: AuthContext,
    method: string,
    target: string,
    header: string | string[] | undefined,
  ): Promise<SignedJustification> {
    if (header === undefined && auth.consoleJustification !== undefined) {
      if (auth.consoleJustification === null)
        throw required(
          'attach a signed justification to this console session first ' +
            '(liaison --agency A --officer O justify "..."; POST /v1/console/session/justification)',
        );
      return auth.consoleJustification;
    }
    if (typeof header !== 'string' || header.trim().length === 0) {
      throw required(
        'every audit read needs X-Justification: an audit.read statement signed by your enrolled key',
      );
    }
    const jws = header.trim();
    if (!COMPACT_JWS.test(jws)) {
      throw new DomainError(
        'audit.justification-unsigned',
        'X-Justification must be an audit.read statement signed by your enrolled key, not plain text',
        'invalid-input',
        { field: 'X-Justification' },
      );
    }
    return this.record(
      auth,
      jws,
      withJustification((text) => auditReadStatement(method, target, text)),
    );
  }

  /**
   * Verifies and records a console session's justification; `attach` stores it
   * on the session in the same transaction.
   */
  async forSession(
    auth: AuthContext,
    jws: unknown,
    attach: (tx: EntityManager, justification: SignedJustification) => Promise<void>,
  ): Promise<SignedJustification> {
    return this.record(auth, jws, withJustification(consoleJustificationStatement), attach);
  }

  private async record(
    auth: AuthContext,
    jws: unknown,
    expected: ExpectedStatement,
    also?: (tx: EntityManager, justification: SignedJustification) => Promise<void>,
  ): Promise<SignedJustification> {
    const dir = await this.directory.get();
    const statement = checkStatement(jws, auth, dir, expected);
    return this.ds.transaction(async (tx) => {
      const receipt = await appendStatement(tx, statement, jws as string, auth.officerKid);
      const justification = {
        text: statement.claims.justification as string,
        seq: receipt.seq,
        hash: receipt.hash,
      };
      if (also) await also(tx, justification);
      return justification;
    });
  }
}
