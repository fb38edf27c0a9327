/**
 * Link notices of a decision (pure): given a new message's link facts and the
 * index rows of OTHER agencies that share a pseudonym with it, which links are
 * revealed to whom (@liaison/links revealLink, the holder's `links` rules), the
 * signed LinkNotice for each revealed side and a law-enforcement log entry for
 * every hit, revealed or denied. Nothing here carries a selector value.
 */
import { codecFor, type Decision, type LinkFacts, type LinkNotice } from '@liaison/contracts';
import { canonicalJson, signCompactJws, type JwsSigner } from '@liaison/crypto';
import {
  SELECTOR_KINDS,
  marksOfRow,
  matchLinks,
  pseudonymKey,
  revealIn,
  type HeldMessageMarks,
  type LinkWorld,
  type LinkedMessage,
  type SelectorKind,
  type StoredLinkRow,
} from '@liaison/links';
import {
  hubNoticeId,
  type HubNotice,
  type LeLogEntry,
  type NewLinkRow,
} from '@liaison/persistence';
import type { HandlingCode, Tlp } from '@liaison/contracts';
import { HUB_ACTOR } from './decision-records';

const linkNoticeCodec = codecFor('LinkNotice');

/** A row to add to the index for the new message. */
/** A LinkNotice for a feed. */
export type PlannedLinkNotice = HubNotice;

export interface LinkNoticePlan {
  readonly rows: readonly NewLinkRow[];
  readonly notices: readonly PlannedLinkNotice[];
  readonly log: readonly LeLogEntry[];
}

/** The notice's id, from its recipient and the two messages. */
export function linkNoticeId(recipient: string, own: string, counterpart: string): string {
  return hubNoticeId('link-notice', [recipient, own, counterpart]);
}

function isKind(kind: string): kind is SelectorKind {
  return (SELECTOR_KINDS as readonly string[]).includes(kind);
}

function marksOf(links: LinkFacts): HeldMessageMarks {
  return {
    tlp: links.tlp as Tlp,
    handlingCode: links.handlingCode as HandlingCode,
    releasableTo: links.releasableTo,
    namedRecipients: links.namedRecipients,
  };
}

interface Side {
  readonly message: LinkedMessage;
  readonly marks: HeldMessageMarks;
}

export function planLinkNotices(input: {
  readonly decision: Decision;
  readonly links: LinkFacts;
  /** Index rows sharing a pseudonym with the message (any agency; filtered here). */
  readonly matched: readonly StoredLinkRow[];
  readonly world: LinkWorld;
  readonly signer: JwsSigner;
  readonly retainUntil: string;
  readonly decidedAt: string;
}): LinkNoticePlan {
  const { decision, links, world } = input;
  const self: Side = {
    message: {
      agency: decision.originatorAgency,
      messageId: decision.messageId.toLowerCase(),
      caseHandle: decision.caseRef,
      tlp: links.tlp as Tlp,
      handlingCode: links.handlingCode as HandlingCode,
    },
    marks: marksOf(links),
  };
  const pseudonyms = links.pseudonyms.filter((p): p is typeof p & { kind: SelectorKind } =>
    isKind(p.kind),
  );
  const rows: NewLinkRow[] = pseudonyms.map((p) => ({
    ...self.message,
    epoch: p.epoch,
    kind: p.kind,
    pseudonym: p.pseudonym,
    releasableTo: links.releasableTo,
    namedRecipients: links.namedRecipients,
    indexedAt: input.decidedAt,
    retainUntil: input.retainUntil,
  }));
  const marksByMessage = new Map(input.matched.map((r) => [r.messageId, marksOfRow(r)]));
  const pairs = matchLinks({ ...self.message, pseudonyms }, input.matched);
  const notices: PlannedLinkNotice[] = [];
  const log: LeLogEntry[] = [];
  for (const pair of pairs) {
    const counterpart: Side = {
      message: pair.counterpart,
      marks: marksByMessage.get(pair.counterpart.messageId) as HeldMessageMarks,
    };
    // Each side learns of the other's message only as the other's holder allows.
    for (const [learner, holder] of [
      [self, counterpart],
      [counterpart, self],
    ] as const) {
      const reveal = revealIn(world, {
        holder: holder.message.agency,
        learner: learner.message.agency,
        marks: holder.marks,
        kinds: pair.kinds,
      });
      const noticeId = linkNoticeId(
        learner.message.agency,
        learner.message.messageId,
        holder.message.messageId,
      );
      log.push({
        actor: HUB_ACTOR,
        action: 'COMBINATION',
        subject: learner.message.messageId,
        justification: reveal.reveal
          ? `link to a message of ${holder.message.agency} notified under ${reveal.rules.join(', ')}`
          : `link to a message of ${holder.message.agency} not notified (${reveal.rule})`,
        details: {
          learnerAgency: learner.message.agency,
          holderAgency: holder.message.agency,
          holderMessageId: holder.message.messageId,
          kinds: pair.kinds,
          strength: pair.strength,
          outcome: reveal.reveal ? 'NOTIFIED' : 'DENIED',
          rules: reveal.reveal ? reveal.rules : [reveal.rule],
          noticeId: reveal.reveal ? noticeId : null,
        },
        eventKey: `link:${noticeId}`,
      });
      if (!reveal.reveal) continue;
      const body = {
        noticeId,
        recipientAgency: learner.message.agency,
        messageId: learner.message.messageId,
        counterpartAgency: holder.message.agency,
        counterpartCaseHandle: holder.message.caseHandle,
        kinds: [...reveal.kinds],
        strength: reveal.strength,
        counterpartTlp: holder.message.tlp,
        rules: [...reveal.rules],
        foundAt: input.decidedAt,
      };
      const notice: LinkNotice = {
        ...body,
        hubSignature: signCompactJws(JSON.parse(canonicalJson(body)) as unknown, input.signer, {
          typ: 'liaison-link-notice+jws',
        }),
      };
      notices.push({
        recipientAgency: learner.message.agency,
        noticeId,
        record: linkNoticeCodec.encode(notice),
      });
    }
  }
  return { rows, notices, log };
}

/** One recorded message of a batch with its link facts. */
export interface BatchLinkMessage {
  readonly decision: Decision;
  readonly links: LinkFacts;
  readonly retainUntil: string;
  readonly decidedAt: string;
}

/** The pseudonyms of a batch, each once: what to read from the index. */
export function distinctPseudonyms(messages: readonly BatchLinkMessage[]): LinkFacts['pseudonyms'] {
  const seen = new Map<string, LinkFacts['pseudonyms'][number]>();
  for (const m of messages) for (const p of m.links.pseudonyms) seen.set(pseudonymKey(p), p);
  return [...seen.values()];
}

/**
 * The link notices of a batch, in batch order: each message is matched against
 * the stored rows (the index's rows sharing a pseudonym with any of the batch,
 * read once) and the rows of the batch's earlier messages, so a message links
 * to one earlier in the same batch, as if each were recorded on its own.
 * Earlier rows past their retention at `now` are left out, as the index read
 * leaves them out.
 */
export function planBatchLinkNotices(input: {
  readonly messages: readonly BatchLinkMessage[];
  readonly stored: readonly StoredLinkRow[];
  readonly world: LinkWorld;
  readonly signer: JwsSigner;
  readonly now: Date;
}): LinkNoticePlan {
  const byPseudonym = new Map<string, StoredLinkRow[]>();
  const add = (row: StoredLinkRow) => {
    const key = pseudonymKey(row);
    const list = byPseudonym.get(key);
    if (list === undefined) byPseudonym.set(key, [row]);
    else list.push(row);
  };
  input.stored.forEach(add);
  const rows: NewLinkRow[] = [];
  const notices: PlannedLinkNotice[] = [];
  const log: LeLogEntry[] = [];
  for (const message of input.messages) {
    const matched = message.links.pseudonyms.flatMap((p) => byPseudonym.get(pseudonymKey(p)) ?? []);
    const plan = planLinkNotices({ ...message, matched, world: input.world, signer: input.signer });
    rows.push(...plan.rows);
    notices.push(...plan.notices);
    log.push(...plan.log);
    for (const row of plan.rows) {
      if (Date.parse(row.retainUntil) > input.now.getTime()) add(row);
    }
  }
  return { rows, notices, log };
}
