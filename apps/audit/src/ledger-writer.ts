/**
 * The single writer of the share ledger. It holds a PostgreSQL advisory lock on
 * its own session for its whole life (a second instance waits), continues from
 * max(seq)+1, and keeps the ledger's Merkle tree as a compact range in memory,
 * loaded once at start. Each batch of decisions is one transaction: rows that
 * already exist are skipped BEFORE seqs are assigned, so a redelivered decision
 * never consumes a seq and the tree always equals the table.
 * With link notices on, the same transaction indexes each newly recorded
 * message's selector pseudonyms, matches them against other agencies' messages
 * and writes the revealed link notices into the feeds (link-notices.ts), so
 * links are found exactly once however often a decision is delivered. The
 * case notices of a batch are folded into their cases in the same
 * transaction, which also raises the clock notices the changed cases owe.
 * A decision the worker held for onward sharing asks the original
 * originator's consent in the same transaction (onward-consent-requests.ts);
 * a release under a granted consent adds a release row per delivered
 * recipient and logs each consented recipient the policy now denies
 * (onward-releases.ts).
 */
import type { PoolClient } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import type { Decision, RecipientOutcome } from '@liaison/contracts';
import type { JwsSigner } from '@liaison/crypto';
import { MerkleAccumulator } from '@liaison/ledger';
import {
  CaseRepository,
  ShareLedgerWrites,
  appendLeLogOnce,
  consentNoticeOf,
  insertConsentRequests,
  insertHubNotices,
  insertLinkRows,
  pingDatabase,
  raiseConsentNotices,
  rowsSharing,
  type CaseEventDraft,
  type LeLogEntry,
  type MessageContentDraft,
  type NewConsentRequest,
} from '@liaison/persistence';
import {
  appendLedgerRow,
  caseEventDraft,
  decidedAtOf,
  deliveryContentDraft,
  leLogEntriesFor,
  ledgerRowFields,
  ledgerRowKey,
  messageContentDraft,
  type DeliveryContentDraft,
  type NewLedgerRow,
  type PresentationCache,
} from './decision-records';
import { planClockNotices, raiseClockNotices } from './case-clock-notices';
import { caseNoticeDecisions, caseRefusalLogEntry, foldCaseNotices } from './case-fold';
import { copyDeliveryContent, copyLedgerRows } from './ledger-copy';
import type { LinkWorld } from '@liaison/links';
import { distinctPseudonyms, planBatchLinkNotices, type BatchLinkMessage } from './link-notices';
import { planConsentRequests } from './onward-consent-requests';
import { releaseLogEntries, releaseRefusals } from './onward-releases';

/** What the writer needs to find links: the world's links rules and the hub's signer. */
export interface LinkNoticeContext {
  /** The last world that compiled; undefined while there is none (links wait, rows do not). */
  readonly world: () => LinkWorld | undefined;
  readonly signer: JwsSigner;
}

/** What the writer needs to raise clock notices for the cases a batch changes. */
export interface ClockNoticeContext {
  readonly signer: JwsSigner;
  readonly now: () => number;
}

/** An outcome to record, with its decision. */
interface Candidate {
  readonly decision: Decision;
  readonly outcome: RecipientOutcome;
}

/**
 * The writer's session was lost and another instance holds the lock now: this
 * one is the standby until LedgerWriter.waitForLock.
 */
export class LedgerWriterLockLost extends Error {
  constructor() {
    super('another ledger writer holds the lock since this one lost its session');
    this.name = 'LedgerWriterLockLost';
  }
}

/** A writer waiting for the lock whose session was lost tries again after this. */
export const LOCK_WAIT_RETRY_MS = 1000;

export interface IngestResult {
  readonly decisions: number;
  readonly rowsWritten: number;
  readonly rowsSkipped: number;
  readonly digestMismatches: number;
  readonly treeSize: number;
  /** Link notices written into feeds. */
  readonly linkNotices: number;
  /** Clock notices (DEADLINE_APPROACHING, OVERDUE) written into feeds. */
  readonly clockNotices: number;
}

export type { NewLedgerRow } from './decision-records';

interface WriterSession {
  readonly runner: QueryRunner;
  /** The ledger's statements on the runner (inside a batch: in its transaction). */
  readonly ledger: ShareLedgerWrites;
  /** The runner's own pg connection (the session holding the lock), for COPY. */
  readonly connection: PoolClient;
  readonly accumulator: MerkleAccumulator;
}

/** The database session is gone (server restarted, connection cut): open a new one. */
export function isConnectionLost(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^(08|57P0)/.test(code)) return true;
  if (error instanceof Error && error.name === 'QueryRunnerAlreadyReleasedError') return true;
  return /Connection terminated|not queryable|timeout exceeded when trying to connect|ECONNRESET|ECONNREFUSED|EPIPE/i.test(
    error instanceof Error ? error.message : String(error),
  );
}

export class LedgerWriter {
  private queue: Promise<unknown> = Promise.resolve();
  /** The last batch lost the session: the next one starts with a new session. */
  private sessionLost = false;
  /** Another instance holds the lock: batches are refused until waitForLock. */
  private lockLost = false;

  private constructor(
    private readonly ds: DataSource,
    private readonly pageSize: number,
    private session: WriterSession,
    private readonly links: LinkNoticeContext | undefined,
    private readonly clocks: ClockNoticeContext | undefined,
  ) {}

  private get runner(): QueryRunner {
    return this.session.runner;
  }

  private get accumulator(): MerkleAccumulator {
    return this.session.accumulator;
  }

  /**
   * Takes the writer lock (waits for it) and loads the tree from the table, once.
   * A standby waits here for as long as another writer lives; when the server
   * ends or refuses its session meanwhile (a PostgreSQL restart), it opens a new
   * one and waits again, every LOCK_WAIT_RETRY_MS, rather than giving up.
   */
  static async open(
    ds: DataSource,
    pageSize = 50_000,
    links?: LinkNoticeContext,
    clocks?: ClockNoticeContext,
    onLockWaitLost?: (error: unknown) => void,
  ): Promise<LedgerWriter> {
    const session = await LedgerWriter.waitForSession(ds, pageSize, onLockWaitLost);
    return new LedgerWriter(ds, pageSize, session, links, clocks);
  }

  private static async waitForSession(
    ds: DataSource,
    pageSize: number,
    onLockWaitLost?: (error: unknown) => void,
  ): Promise<WriterSession> {
    for (;;) {
      try {
        const session = await LedgerWriter.openSession(ds, pageSize, 'wait');
        if (session) return session;
      } catch (error) {
        if (!isConnectionLost(error)) throw error;
        onLockWaitLost?.(error);
        await new Promise((r) => setTimeout(r, LOCK_WAIT_RETRY_MS));
      }
    }
  }

  /**
   * A session holding the lock with the tree loaded, or (`try`) undefined when
   * another session holds the lock.
   */
  private static async openSession(
    ds: DataSource,
    pageSize: number,
    lock: 'wait' | 'try',
  ): Promise<WriterSession | undefined> {
    const runner = ds.createQueryRunner();
    const connection = (await runner.connect()) as PoolClient;
    const ledger = new ShareLedgerWrites(runner);
    try {
      if (lock === 'wait') await ledger.lockWriter();
      else if (!(await ledger.tryLockWriter())) {
        await LedgerWriter.discard(runner);
        return undefined;
      }
      // Once per session rather than a SET TRANSACTION in every batch (a round trip each).
      await ledger.readCommittedSession();
      const accumulator = MerkleAccumulator.empty();
      let after = 0;
      for (;;) {
        const page = await ledger.leavesAfter(after, pageSize);
        for (const { seq, leafHash } of page) {
          if (seq !== accumulator.size + 1) {
            throw new Error(
              `share_ledger is not contiguous at seq ${accumulator.size + 1} (found ${seq}); run the verifier`,
            );
          }
          accumulator.appendHex(leafHash);
          after = seq;
        }
        if (page.length < pageSize) break;
      }
      return { runner, ledger, connection, accumulator };
    } catch (error) {
      // Never back to the pool: the connection may hold the lock.
      await LedgerWriter.discard(runner);
      throw error;
    }
  }

  /**
   * Gives a session's connection back destroyed, never to the pool: it may hold
   * the lock, and a connection whose end pg has not reported yet would be
   * handed straight to the next session.
   */
  private static async discard(runner: QueryRunner): Promise<void> {
    const pgRunner = runner as QueryRunner & {
      releasePostgresConnection?: (err?: Error) => Promise<void>;
    };
    if (pgRunner.releasePostgresConnection) {
      await pgRunner.releasePostgresConnection(new Error('ledger writer session ended'));
    } else {
      await runner.release();
    }
  }

  /**
   * After a lost session (PostgreSQL restarted, connection cut): the lock went
   * with it, so take it again on a new session and reload the tree from the
   * table, which holds exactly the committed rows. When another instance took
   * the lock meanwhile, this one is no longer the writer: it refuses batches
   * (LedgerWriterLockLost) until waitForLock, rather than wait for the lock
   * inside a batch its consumer group is waiting for.
   */
  private async reopen(): Promise<void> {
    await LedgerWriter.discard(this.session.runner).catch(() => undefined);
    const session = await LedgerWriter.openSession(this.ds, this.pageSize, 'try');
    this.sessionLost = false;
    if (!session) {
      this.lockLost = true;
      throw new LedgerWriterLockLost();
    }
    this.session = session;
  }

  /**
   * Between batches: a round trip on the session, so a session the server
   * ended (a restart) is noticed without waiting for the next decision. A
   * lost session is opened again; LedgerWriterLockLost when another instance
   * took the lock meanwhile.
   */
  checkSession(): Promise<void> {
    if (this.lockLost) return Promise.resolve();
    return this.serialised(async () => {
      if (this.lockLost) return;
      if (!this.sessionLost && !this.runner.isReleased) {
        try {
          await pingDatabase(this.runner);
          return;
        } catch (error) {
          if (!isConnectionLost(error)) throw error;
          this.sessionLost = true;
        }
      }
      await this.reopen();
    });
  }

  /** False once another instance took the lock after this one's session was lost. */
  get holdsLock(): boolean {
    return !this.lockLost && !this.sessionLost;
  }

  /**
   * After LedgerWriterLockLost: waits for the lock as a standby does (outside
   * any batch), with the tree as stored, then takes batches again.
   */
  waitForLock(onLockWaitLost?: (error: unknown) => void): Promise<void> {
    return this.serialised(async () => {
      if (!this.lockLost) return;
      this.session = await LedgerWriter.waitForSession(this.ds, this.pageSize, onLockWaitLost);
      this.lockLost = false;
    });
  }

  /** Runs `step` after the writer's earlier steps, one at a time on the session. */
  private serialised<T>(step: () => Promise<T>): Promise<T> {
    const run = this.queue.then(step);
    this.queue = run.catch(() => undefined);
    return run;
  }

  get treeSize(): number {
    return this.accumulator.size;
  }

  /** Size and root of the committed rows, read together. */
  head(): { treeSize: number; rootHash: string } {
    return { treeSize: this.accumulator.size, rootHash: this.accumulator.rootHex() };
  }

  /** Serialised: one batch at a time on the locked session; refused while another writer holds the lock. */
  ingest(decisions: readonly Decision[]): Promise<IngestResult> {
    // Refused at once, not queued behind a lock wait.
    if (this.lockLost) return Promise.reject(new LedgerWriterLockLost());
    return this.serialised(async () => {
      if (this.lockLost) throw new LedgerWriterLockLost();
      // typeorm releases a runner whose connection emitted an error.
      if (this.sessionLost || this.runner.isReleased) await this.reopen();
      try {
        return await this.ingestNow(decisions);
      } catch (error) {
        if (isConnectionLost(error)) this.sessionLost = true;
        throw error;
      }
    });
  }

  private async ingestNow(decisions: readonly Decision[]): Promise<IngestResult> {
    // Unique (message, recipient) candidates, first occurrence wins.
    const candidates = new Map<string, Candidate>();
    // A release writes deliveries only: the pair keeps its first denial.
    const refusedReleases: Decision[] = [];
    for (const decision of decisions) {
      const release = decision.releaseOf !== null;
      if (release && decision.outcomes.some((o) => o.decision === 'DENIED')) {
        refusedReleases.push(decision);
      }
      for (const outcome of decision.outcomes) {
        if (release && outcome.decision === 'DENIED') continue;
        const key = ledgerRowKey(decision.messageId, outcome.recipientAgency, release);
        if (!candidates.has(key)) candidates.set(key, { decision, outcome });
      }
    }
    const total = decisions.reduce((n, d) => n + d.outcomes.length, 0);
    const runner = this.runner;
    await runner.startTransaction(); // READ COMMITTED: the session's characteristic
    try {
      const existing = await this.existingKeys([...candidates.values()]);
      const pending: Candidate[] = [];
      for (const [key, candidate] of candidates) if (!existing.has(key)) pending.push(candidate);
      const next = this.accumulator.clone();
      const recordedByMessage = new Map<
        string,
        { decision: Decision; outcomes: RecipientOutcome[] }
      >();
      // Seqs and leaves assigned as the COPY pulls them, so the server inserts
      // one chunk while the next is hashed.
      const newRows = function* (): Generator<NewLedgerRow> {
        // A decision's rows are consecutive: its decidedAt is normalised once.
        let drafted: Decision | undefined;
        let decidedAt = '';
        for (const { decision, outcome } of pending) {
          if (decision !== drafted) {
            decidedAt = decidedAtOf(decision);
            drafted = decision;
          }
          const row = appendLedgerRow(next, ledgerRowFields(decision, outcome, decidedAt));
          const id = `${row.fields.messageId}|${row.fields.releaseOf ?? ''}`;
          const entry = recordedByMessage.get(id) ?? { decision, outcomes: [] };
          entry.outcomes.push(outcome);
          recordedByMessage.set(id, entry);
          yield row;
        }
      };
      let digestMismatches = 0;
      let linkNotices = 0;
      let clockNotices = 0;
      if (pending.length > 0) {
        // Deliberately no conflict handling: redelivered rows were filtered out
        // above, so a unique violation means a second writer without the lock,
        // and it rolls the batch back rather than leaving a hole in the seqs.
        const written = await copyLedgerRows(this.session.connection, newRows());
        // The server's count of rows copied, against the rows hashed into the tree.
        if (written !== pending.length) {
          throw new Error(`ledger COPY wrote ${written} of ${pending.length} rows`);
        }
        const contents: MessageContentDraft[] = [];
        const deliveries: DeliveryContentDraft[] = [];
        const caseEvents: CaseEventDraft[] = [];
        const log: LeLogEntry[] = [];
        for (const { decision, outcomes } of recordedByMessage.values()) {
          const content = messageContentDraft(decision);
          if (decision.releaseOf !== null) {
            // The held message's content was kept when it was first decided.
            contents.push(content);
            for (const outcome of outcomes) {
              const delivery = deliveryContentDraft(decision, outcome);
              if (!delivery) continue;
              if (!delivery.digestMatches) digestMismatches += 1;
              deliveries.push(delivery);
            }
            log.push(...releaseLogEntries(decision, outcomes));
            continue;
          }
          contents.push(content);
          const presentations: PresentationCache = new Map();
          for (const outcome of outcomes) {
            const delivery = deliveryContentDraft(decision, outcome, presentations);
            if (!delivery) continue;
            if (!delivery.digestMatches) digestMismatches += 1;
            deliveries.push(delivery);
          }
          const caseEvent = caseEventDraft(decision);
          if (caseEvent) caseEvents.push(caseEvent);
          log.push(...leLogEntriesFor(decision, outcomes, content));
        }
        const folded = await this.foldCases(
          caseNoticeDecisions(
            [...recordedByMessage.values()]
              .map((r) => r.decision)
              .filter((d) => d.releaseOf === null),
          ),
        );
        log.push(...folded.refusals);
        clockNotices = folded.clockNotices;
        await this.session.ledger.insertContentAndLog(contents, caseEvents, log);
        await copyDeliveryContent(this.session.connection, deliveries);
        linkNotices = await this.recordLinks(contents, recordedByMessage);
        await this.requestConsents(recordedByMessage.values());
      }
      await appendLeLogOnce(this.runner.manager, refusedReleases.flatMap(releaseRefusals));
      await runner.commitTransaction();
      this.session = { ...this.session, accumulator: next };
      return {
        decisions: decisions.length,
        rowsWritten: pending.length,
        rowsSkipped: total - pending.length,
        digestMismatches,
        treeSize: next.size,
        linkNotices,
        clockNotices,
      };
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  }

  /**
   * The batch's link notices: one read of the index for every pseudonym of the
   * batch, the matching in batch order (a message links to one earlier in the
   * same batch), then the index rows, notices and log entries in one statement
   * each.
   */
  private async recordLinks(
    contents: readonly MessageContentDraft[],
    recorded: ReadonlyMap<string, { decision: Decision }>,
  ): Promise<number> {
    const world = this.links?.world();
    if (this.links === undefined || world === undefined) return 0;
    const retainUntil = new Map(contents.map((c) => [c.messageId, c.retainUntil]));
    const messages: BatchLinkMessage[] = [];
    for (const { decision } of recorded.values()) {
      const links = decision.links;
      if (links === null || links.pseudonyms.length === 0) continue;
      messages.push({
        decision,
        links,
        retainUntil: retainUntil.get(decision.messageId.toLowerCase()) ?? decidedAtOf(decision),
        decidedAt: decidedAtOf(decision),
      });
    }
    if (messages.length === 0) return 0;
    const plan = planBatchLinkNotices({
      messages,
      stored: await rowsSharing(this.runner, distinctPseudonyms(messages)),
      world,
      signer: this.links.signer,
      now: new Date(),
    });
    await insertLinkRows(this.runner, plan.rows);
    const written = await insertHubNotices(this.runner, 'LINK_NOTICE', plan.notices);
    await appendLeLogOnce(
      this.runner.manager,
      plan.log.map((e) => ({ ...e, eventKey: e.eventKey ?? '' })),
    );
    return written;
  }

  /**
   * A consent request per held message and original, once, with its log entry
   * and a hub-signed notice in the original originator's feed.
   */
  private async requestConsents(recorded: Iterable<{ decision: Decision }>): Promise<void> {
    const requests: NewConsentRequest[] = [];
    const log: LeLogEntry[] = [];
    for (const { decision } of recorded) {
      if (decision.onwardHolds.length === 0) continue;
      const plan = planConsentRequests(decision, decidedAtOf(decision));
      requests.push(...plan.requests);
      log.push(...plan.log);
    }
    if (requests.length === 0) return;
    const raised = new Set(await insertConsentRequests(this.runner, requests));
    const signer = this.links?.signer ?? this.clocks?.signer;
    if (signer !== undefined) {
      await raiseConsentNotices(
        this.runner,
        requests
          .filter((r) => raised.has(r.requestId))
          .map((r) =>
            consentNoticeOf({ ...r, reason: null }, 'CONSENT_REQUESTED', r.requestedAt, signer),
          ),
      );
    }
    await appendLeLogOnce(
      this.runner.manager,
      log.map((e) => ({ ...e, eventKey: e.eventKey ?? '' })),
    );
  }

  private async existingKeys(candidates: readonly Candidate[]): Promise<Set<string>> {
    const found = await this.session.ledger.existingPairs(
      candidates.map((c) => ({
        messageId: c.decision.messageId.toLowerCase(),
        recipientAgency: c.outcome.recipientAgency,
      })),
    );
    return new Set(found.map((r) => ledgerRowKey(r.messageId, r.recipientAgency, r.release)));
  }

  /**
   * Folds the batch's case notices into the stored cases (locked for the
   * transaction), writes the changed states and the refused notices, raises
   * the clock notices the changed cases owe now, and returns the REFUSAL log
   * entries for the refused notices.
   */
  private async foldCases(
    decisions: readonly Decision[],
  ): Promise<{ refusals: LeLogEntry[]; clockNotices: number }> {
    if (decisions.length === 0) return { refusals: [], clockNotices: 0 };
    const refs = [...new Set(decisions.map((d) => d.caseRef ?? ''))];
    const cases = new CaseRepository(this.runner);
    const fold = foldCaseNotices(decisions, await cases.lockStates(refs));
    await cases.saveFold(fold.changed, fold.refusals);
    const clockNotices =
      this.clocks === undefined
        ? 0
        : await raiseClockNotices(
            this.runner,
            planClockNotices(fold.changed.values(), this.clocks.now()),
            this.clocks.signer,
          );
    return { refusals: fold.refusals.map(caseRefusalLogEntry), clockNotices };
  }

  /** Releases the lock (by ending the session). */
  async close(): Promise<void> {
    // Standing by, it holds no lock; a lock wait in progress ends with the pool.
    if (this.lockLost) return;
    await this.queue;
    await this.session.ledger.unlockWriter().catch(() => undefined);
    await this.runner.release();
  }
}
