/**
 * Records an officer's signed statement in the officer statement log, inside
 * the caller's transaction (so the act and its statement commit together or not
 * at all). The statement must be the caller's own (same agency, officer and
 * enrolled key as the token), fresh, never seen before, and name exactly the act,
 * subject and claims of the request. Appends are serialised by the log's lock
 * (OfficerStatementRepository): the chain has one order.
 */
import type { EntityManager } from 'typeorm';
import {
  verifyOfficerStatement,
  type OfficerStatement,
  type StatementExpectation,
} from '@liaison/crypto';
import { DomainError } from '@liaison/errors';
import { STATEMENT_GENESIS_HASH, statementChainHash } from '@liaison/ledger';
import { OfficerStatementRepository } from '@liaison/persistence';
import type { AuthContext } from '../auth/auth-context';
import type { GatewayDirectory } from '../directory-cache';

/**
 * What the statement must say, or how to derive it from the (verified)
 * statement when one claim is the officer's own words (a justification).
 */
export type ExpectedStatement =
  StatementExpectation | ((statement: OfficerStatement) => StatementExpectation);

export interface StatementReceipt {
  /** Position in the officer statement log. */
  readonly seq: number;
  /** Chain hash at that position: keep it to check the log later. */
  readonly hash: string;
}

function mismatch(field: string, message: string): DomainError {
  return new DomainError('statement.mismatch', message, 'invalid-input', { field });
}

/** Checks the statement against the request; throws a specific 4xx. */
export function checkStatement(
  jws: unknown,
  auth: AuthContext,
  dir: GatewayDirectory,
  expectation: ExpectedStatement,
): OfficerStatement {
  if (typeof jws !== 'string' || jws.length === 0) {
    const act = typeof expectation === 'function' ? 'audit.read' : expectation.act;
    throw new DomainError(
      'statement.required',
      `this act needs "statement": a compact JWS by your enrolled key over the ${act} statement`,
      'invalid-input',
      {
        field: 'statement',
        act,
        ...(typeof expectation === 'function' ? {} : { subject: expectation.subject }),
      },
    );
  }
  const verified = verifyOfficerStatement(jws, { officers: dir.officers, mode: 'live' });
  const s = verified.statement;
  if (
    auth.kind !== 'officer' ||
    s.iss !== auth.agencyId ||
    s.sub !== auth.officerId ||
    verified.kid !== auth.officerKid
  ) {
    throw new DomainError(
      'statement.not-yours',
      'the statement must be signed by the same enrolled officer key as the request',
      'forbidden',
    );
  }
  const expected = typeof expectation === 'function' ? expectation(s) : expectation;
  if (s.act !== expected.act) throw mismatch('act', `statement act must be ${expected.act}`);
  if (s.subject !== expected.subject)
    throw mismatch('subject', `statement subject must be ${expected.subject}`);
  const names = new Set([...Object.keys(s.claims), ...Object.keys(expected.claims)]);
  for (const name of names) {
    if (s.claims[name] !== expected.claims[name]) {
      throw mismatch(`claims.${name}`, `statement claim ${name} does not match the request`);
    }
  }
  return s;
}

export async function recordStatement(
  tx: EntityManager,
  jws: unknown,
  auth: AuthContext,
  dir: GatewayDirectory,
  expected: ExpectedStatement,
): Promise<StatementReceipt> {
  const s = checkStatement(jws, auth, dir, expected);
  return appendStatement(tx, s, jws as string, auth.officerKid);
}

/** Appends a checked statement to the chain; a jti seen before is refused (409). */
export async function appendStatement(
  tx: EntityManager,
  s: OfficerStatement,
  jws: string,
  kid: string | null,
): Promise<StatementReceipt> {
  const log = new OfficerStatementRepository(tx);
  await log.lockForAppend();
  if (await log.isRecorded(s.iss, s.jti)) {
    throw new DomainError(
      'statement.replayed',
      `statement ${s.jti} was already recorded`,
      'conflict',
    );
  }
  const head = await log.head();
  const seq = head ? head.seq + 1 : 1;
  const prevHash = head?.hash ?? STATEMENT_GENESIS_HASH;
  const hash = statementChainHash(prevHash, seq, jws);
  await log.append({
    seq,
    agencyId: s.iss,
    officerId: s.sub,
    kid,
    act: s.act,
    subject: s.subject,
    jti: s.jti,
    jws,
    prevHash,
    hash,
  });
  return { seq, hash };
}
