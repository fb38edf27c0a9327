/**
 * SubmissionService without PostgreSQL or Kafka: the submission table is an
 * in-memory stand-in, the producer records what it is given (or fails on
 * demand), the directory is the example originators' keys. Covers who may
 * publish, the idempotency key, duplicate ids and a failed hand-off to Kafka.
 */
import type { DataSource } from 'typeorm';
import type { Submission } from '@liaison/contracts';
import { DomainError } from '@liaison/errors';
import type { TypedProducer } from '@liaison/kafka';
import type { HubKeyFiles } from '@liaison/local-files';
import {
  exampleSigners,
  loadExamples,
  signClaims,
} from '../../../../libs/messages/src/testing/signed-examples';
import type { AuthContext } from '../auth/auth-context';
import type { DirectoryCache } from '../directory-cache';
import { SubmissionService } from './submission.service';

type Row = Record<string, unknown>;

/** The submission table in memory: findOneBy, insert and update by exact match. */
class MemorySubmissions {
  readonly rows: Row[] = [];
  /** The ledger rows of the message, as the status query returns them. */
  readonly ledgerRows: Record<string, unknown>[] = [];
  private matches(row: Row, where: Row): boolean {
    return Object.entries(where).every(([k, v]) => row[k] === v);
  }
  findOneBy(where: Row): Promise<Row | null> {
    return Promise.resolve(this.rows.find((r) => this.matches(r, where)) ?? null);
  }
  insert(row: Row): Promise<void> {
    this.rows.push({ ...row, receivedAt: new Date() });
    return Promise.resolve();
  }
  update(where: Row, patch: Row): Promise<void> {
    for (const row of this.rows) if (this.matches(row, where)) Object.assign(row, patch);
    return Promise.resolve();
  }
  dataSource(): DataSource {
    return {
      getRepository: () => this,
      query: () => Promise.resolve(this.ledgerRows),
    } as unknown as DataSource;
  }
}

class RecordingProducer {
  readonly sent: { key: string; value: Submission }[] = [];
  failing = false;
  send(records: { key: string; value: Submission }[]): Promise<void> {
    if (this.failing) return Promise.reject(new Error('broker unreachable'));
    this.sent.push(...records);
    return Promise.resolve();
  }
}

const example = loadExamples().find((e) => e.file === 'alert-victim-at-risk.json');
if (!example) throw new Error('example missing');
const originator = String(example.json.originatorAgency);
const signers = exampleSigners([originator, 'de-bka']);

function authOf(agencyId: string): AuthContext {
  return {
    agencyId,
    jurisdiction: 'NL',
    officerId: null,
    officerKid: null,
    roles: new Set(['publisher']),
    kind: 'agency',
  };
}

/** The example signed now by `issuer`, with `messageId` if given. */
function signedNow(issuer = originator, messageId = String(example?.json.messageId)) {
  const nowSec = Math.floor(Date.now() / 1000);
  const json = { ...structuredClone(example?.json), messageId, originatorAgency: issuer };
  return signClaims(signers, 'ALERT', {
    ...json,
    jti: messageId,
    iss: issuer,
    iat: nowSec - 5,
    exp: nowSec + 300,
    liaison_kind: 'ALERT',
  });
}

function setup() {
  const table = new MemorySubmissions();
  const producer = new RecordingProducer();
  const directory = {
    get: () =>
      Promise.resolve({
        keys: signers.directory,
        byId: new Map([[originator, { jurisdiction: 'NL', custodial: false }]]),
      }),
  } as unknown as DirectoryCache;
  const service = new SubmissionService(
    table.dataSource(),
    directory,
    producer as unknown as TypedProducer<Submission>,
    { custodialKey: () => undefined } as unknown as HubKeyFiles,
    { maxTokenBytes: 1 << 20, clockSkewSec: 60, maxLifetimeSec: 3600 },
  );
  return { table, producer, service };
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const messageId = String(example.json.messageId);

describe('SubmissionService.accept', () => {
  it('records the submission and queues it keyed by its case', async () => {
    const { table, producer, service } = setup();
    const sdJwt = await signedNow();
    const accepted = await service.accept(authOf(originator), 'ALERT', sdJwt, false, 'k-1', 'c-1');
    expect(accepted).toEqual({
      messageId,
      status: 'ACCEPTED',
      statusUrl: `/v1/submissions/${messageId}`,
      replayed: false,
    });
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]).toMatchObject({ messageId, status: 'ACCEPTED', idempotencyKey: 'k-1' });
    expect(producer.sent).toHaveLength(1);
    const [sent] = producer.sent;
    expect(sent?.key).toBe(example.json.caseRef ?? messageId);
    expect(sent?.value).toMatchObject({ messageId, sdJwt, originatorAgency: originator });
  });

  it('refuses a message signed by another agency than the caller', async () => {
    const { producer, service } = setup();
    const error = await refusal(
      service.accept(authOf('de-bka'), 'ALERT', await signedNow(), false, undefined, 'c'),
    );
    expect([error.code, error.category]).toEqual(['submission.wrong-originator', 'forbidden']);
    expect(producer.sent).toEqual([]);
  });

  it('refuses a malformed idempotency key before reading the token', async () => {
    const { service } = setup();
    const error = await refusal(
      service.accept(authOf(originator), 'ALERT', 'not-a-token', false, 'bad key!', 'c'),
    );
    expect(error.code).toBe('submission.bad-idempotency-key');
  });

  it('answers a repeated idempotency key with the first answer and queues nothing more', async () => {
    const { producer, service } = setup();
    const sdJwt = await signedNow();
    await service.accept(authOf(originator), 'ALERT', sdJwt, false, 'k-1', 'c-1');
    const again = await service.accept(authOf(originator), 'ALERT', sdJwt, false, 'k-1', 'c-2');
    expect(again.replayed).toBe(true);
    expect(producer.sent).toHaveLength(1);
    const other = await signedNow(originator, '0b8f7a52-1c3d-4e5f-8a9b-0c1d2e3f4a5b');
    const conflict = await refusal(
      service.accept(authOf(originator), 'ALERT', other, false, 'k-1', 'c-3'),
    );
    expect([conflict.code, conflict.category]).toEqual([
      'submission.idempotency-conflict',
      'conflict',
    ]);
  });

  it('refuses a message id already submitted without a key', async () => {
    const { service } = setup();
    const sdJwt = await signedNow();
    await service.accept(authOf(originator), 'ALERT', sdJwt, false, undefined, 'c-1');
    const error = await refusal(
      service.accept(authOf(originator), 'ALERT', sdJwt, false, undefined, 'c-2'),
    );
    expect(error.code).toBe('submission.duplicate-message-id');
  });

  it('marks the submission FAILED when Kafka refuses it, and a retry queues it', async () => {
    const { table, producer, service } = setup();
    const sdJwt = await signedNow();
    producer.failing = true;
    const error = await refusal(
      service.accept(authOf(originator), 'ALERT', sdJwt, false, 'k-1', 'c-1'),
    );
    expect([error.code, error.category]).toEqual(['submission.kafka-unavailable', 'unavailable']);
    expect(table.rows[0]?.status).toBe('FAILED');
    producer.failing = false;
    const retried = await service.accept(authOf(originator), 'ALERT', sdJwt, false, 'k-1', 'c-2');
    expect(retried).toMatchObject({ status: 'ACCEPTED', replayed: false });
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]?.status).toBe('ACCEPTED');
    expect(producer.sent).toHaveLength(1);
  });
});

describe('SubmissionService.status', () => {
  it("answers the same for someone else's message as for an absent one", async () => {
    const { service } = setup();
    await service.accept(authOf(originator), 'ALERT', await signedNow(), false, undefined, 'c');
    const other = await refusal(service.status(authOf('de-bka'), messageId));
    const absent = await refusal(
      service.status(authOf(originator), '00000000-0000-4000-8000-000000000000'),
    );
    expect([other.code, absent.code]).toEqual(['submission.not-found', 'submission.not-found']);
    expect((await refusal(service.status(authOf(originator), 'nope'))).code).toBe(
      'submission.bad-id',
    );
  });

  it("reports DECIDED with each recipient's outcome and the counts once decided", async () => {
    const { table, service } = setup();
    await service.accept(authOf(originator), 'ALERT', await signedNow(), false, undefined, 'c');
    expect(await service.status(authOf(originator), messageId)).toMatchObject({
      status: 'ACCEPTED',
      outcomes: {},
    });
    const ledgerRow = (agency: string, decision: string, entryId: string | null) => ({
      recipient_agency: agency,
      recipient_jurisdiction: agency.slice(0, 2).toUpperCase(),
      decision,
      rules: [`${decision}-RULE`],
      withheld: decision === 'REDACTED' ? [{ path: 'victim.fullName', ruleId: 'R-1' }] : [],
      disclosed_paths: decision === 'DENIED' ? [] : ['messageType', 'urgency'],
      policy_version: 'sha256:abc',
      decided_at: new Date('2026-12-02T04:00:00Z'),
      entry_id: entryId,
    });
    table.ledgerRows.push(
      ledgerRow('de-bka', 'REDACTED', '41'),
      ledgerRow('fr-ocriest', 'DENIED', null),
      ledgerRow('ro-diicot', 'FULL', '42'),
    );
    expect(await service.status(authOf(originator), messageId)).toMatchObject({
      status: 'DECIDED',
      outcomes: { FULL: 1, REDACTED: 1, DENIED: 1 },
      recipients: [
        {
          agency: 'de-bka',
          outcome: 'REDACTED',
          withheld: [{ path: 'victim.fullName', ruleId: 'R-1' }],
          withheldCount: 1,
          disclosedCount: 2,
          decidedAt: '2026-12-02T04:00:00.000Z',
          deliveryEntryId: '41',
        },
        { agency: 'fr-ocriest', outcome: 'DENIED', deliveryEntryId: null, disclosedCount: 0 },
        { agency: 'ro-diicot', outcome: 'FULL', deliveryEntryId: '42' },
      ],
    });
  });
});
