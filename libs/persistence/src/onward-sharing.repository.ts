/**
 * What the policy worker needs to hold onward sharing (@liaison/links
 * onwardHolds), for a whole slice in one statement: for each submission, the
 * link_index rows of OTHER agencies' messages that share one of its
 * pseudonyms, carry marks that restrict onward sharing (RED, AMBER+STRICT,
 * H2), and that the submitter itself received (a share_ledger row to it that
 * is not a denial); and the consents granted for those messages
 * (onward_consent_request GRANTED).
 */
import type { StoredLinkRow } from '@liaison/links';
import {
  storedLinkRowOf,
  type IndexedPseudonym,
  type LinkIndexRowSql,
} from './link-index.repository';

export interface OnwardQuestion {
  /** The new submission's originator. */
  readonly submitter: string;
  readonly pseudonyms: readonly IndexedPseudonym[];
}

export interface OnwardKnowledge {
  /** Received, restricted messages sharing a pseudonym with the submission. */
  readonly matched: readonly StoredLinkRow[];
  /** Consents granted for those messages, as `originalMessageId|recipient`. */
  readonly consents: ReadonlySet<string>;
}

interface OnwardRowSql extends LinkIndexRowSql {
  n: number;
  consented: string[];
}

const NONE: OnwardKnowledge = { matched: [], consents: new Set() };

/** One answer per question, in order; no round trip when no question has a pseudonym. */
export async function onwardKnowledge(
  db: { query(sql: string, params: unknown[]): Promise<unknown> },
  questions: readonly OnwardQuestion[],
): Promise<OnwardKnowledge[]> {
  const flat = questions.flatMap((q, n) => q.pseudonyms.map((p) => ({ n, ...p, q })));
  if (flat.length === 0) return questions.map(() => NONE);
  const rows = (await db.query(
    `WITH q AS (
       SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::text[])
         AS q(n, submitter, epoch, kind, pseudonym)
     ), hit AS (
       SELECT DISTINCT q.n, l.epoch, l.kind, l.pseudonym, l.message_id, l.agency_id,
              l.case_handle, l.tlp, l.handling_code, l.releasable_to, l.named_recipients
         FROM q JOIN link_index l
           ON l.epoch = q.epoch AND l.kind = q.kind AND l.pseudonym = q.pseudonym
        WHERE l.retain_until > now() AND l.agency_id <> q.submitter
          AND (l.tlp IN ('RED', 'AMBER_STRICT') OR l.handling_code = 'H2')
          AND EXISTS (SELECT 1 FROM share_ledger s
                       WHERE s.message_id = l.message_id AND s.recipient_agency = q.submitter
                         AND s.decision <> 'DENIED')
     )
     SELECT hit.*, ARRAY(SELECT DISTINCT r FROM onward_consent_request c, unnest(c.recipients) r
                          WHERE c.original_message_id = hit.message_id
                            AND c.status = 'GRANTED') AS consented
       FROM hit`,
    [
      flat.map((f) => f.n),
      flat.map((f) => f.q.submitter),
      flat.map((f) => f.epoch),
      flat.map((f) => f.kind),
      flat.map((f) => f.pseudonym),
    ],
  )) as OnwardRowSql[];
  const answers = questions.map(() => ({
    matched: [] as StoredLinkRow[],
    consents: new Set<string>(),
  }));
  for (const r of rows) {
    const answer = answers[r.n];
    if (answer === undefined) continue;
    answer.matched.push(storedLinkRowOf(r));
    for (const recipient of r.consented) answer.consents.add(`${r.message_id}|${recipient}`);
  }
  return answers;
}
