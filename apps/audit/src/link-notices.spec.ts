import { compactVerify, importJWK } from 'jose';
import { codecFor, type Decision, type LinkFacts } from '@liaison/contracts';
import { createJwsSigner, generateAgencyKeys } from '@liaison/crypto';
import type { LinkParty, LinkWorld, StoredLinkRow } from '@liaison/links';
import {
  distinctPseudonyms,
  linkNoticeId,
  planBatchLinkNotices,
  planLinkNotices,
  type BatchLinkMessage,
} from './link-notices';

const keys = generateAgencyKeys('EdDSA');
const signer = createJwsSigner({ privateJwk: keys.privateJwk, kid: keys.kid, alg: 'EdDSA' });
const codec = codecFor('LinkNotice');

const party = (id: string, jurisdiction: string): LinkParty => ({
  id,
  jurisdiction,
  groups: jurisdiction === 'UK' ? [] : ['EU'],
  kind: 'LAW_ENFORCEMENT',
});

const WORLD: LinkWorld = {
  parties: new Map(
    [
      party('nl-knp', 'NL'),
      party('de-bka', 'DE'),
      party('ro-diicot', 'RO'),
      party('uk-nca', 'UK'),
    ].map((p) => [p.id, p]),
  ),
  rules: new Map([
    ['NL', [{ id: 'NL-LINKS-EU', to: { groups: ['EU'] } }]],
    ['DE', [{ id: 'DE-LINKS-EU', to: { groups: ['EU'] } }]],
  ]),
};

const PHONE = 'p'.repeat(43);
const PLATE = 'q'.repeat(43);
const NEW_ID = '11111111-1111-4111-8111-111111111111';

function decision(): Decision {
  return {
    messageId: NEW_ID.toUpperCase(),
    originatorAgency: 'nl-knp',
    caseRef: 'NL-KNP-1',
  } as unknown as Decision;
}

function facts(patch: Partial<LinkFacts> = {}): LinkFacts {
  return {
    tlp: 'AMBER',
    handlingCode: 'H0',
    releasableTo: [],
    namedRecipients: [],
    pseudonyms: [
      { epoch: 1, kind: 'PHONE', pseudonym: PHONE },
      { epoch: 1, kind: 'PLATE', pseudonym: PLATE },
      { epoch: 1, kind: 'NOT_A_KIND', pseudonym: 'r'.repeat(43) },
    ],
    ...patch,
  };
}

function held(agency: string, id: string, patch: Partial<StoredLinkRow> = {}): StoredLinkRow {
  return {
    epoch: 1,
    kind: 'PHONE',
    pseudonym: PHONE,
    agency,
    messageId: id,
    caseHandle: `${agency.toUpperCase()}-9`,
    tlp: 'AMBER',
    handlingCode: 'H0',
    releasableTo: [],
    namedRecipients: [],
    ...patch,
  };
}

const DE_ID = '22222222-2222-4222-8222-222222222222';
const UK_ID = '33333333-3333-4333-8333-333333333333';

function plan(links: LinkFacts, matched: readonly StoredLinkRow[]) {
  return planLinkNotices({
    decision: decision(),
    links,
    matched,
    world: WORLD,
    signer,
    retainUntil: '2027-01-01T00:00:00.000Z',
    decidedAt: '2026-12-02T10:00:00.000Z',
  });
}

describe('planLinkNotices', () => {
  it("indexes the message's known kinds with its marks and retention", () => {
    const { rows, notices, log } = plan(facts(), []);
    expect(rows.map((r) => [r.kind, r.agency, r.messageId, r.caseHandle, r.retainUntil])).toEqual([
      ['PHONE', 'nl-knp', NEW_ID, 'NL-KNP-1', '2027-01-01T00:00:00.000Z'],
      ['PLATE', 'nl-knp', NEW_ID, 'NL-KNP-1', '2027-01-01T00:00:00.000Z'],
    ]);
    expect(notices).toEqual([]);
    expect(log).toEqual([]);
  });

  it('tells each side of an allowed link, signed by the hub, and logs both as notified', async () => {
    const { notices, log } = plan(facts(), [
      held('de-bka', DE_ID),
      held('de-bka', DE_ID, { kind: 'PLATE', pseudonym: PLATE }),
    ]);
    expect(notices.map((n) => n.recipientAgency)).toEqual(['nl-knp', 'de-bka']);
    expect(notices.map((n) => n.noticeId)).toEqual([
      linkNoticeId('nl-knp', NEW_ID, DE_ID),
      linkNoticeId('de-bka', DE_ID, NEW_ID),
    ]);
    const toNl = codec.decode(notices[0]?.record as Buffer);
    expect(toNl).toMatchObject({
      recipientAgency: 'nl-knp',
      messageId: NEW_ID,
      counterpartAgency: 'de-bka',
      counterpartCaseHandle: 'DE-BKA-9',
      kinds: ['PHONE', 'PLATE'],
      strength: 'EXACT',
      counterpartTlp: 'AMBER',
      rules: ['DE-LINKS-EU'],
    });
    const { hubSignature, ...body } = toNl;
    const key = await importJWK(
      keys.publicJwk as unknown as Parameters<typeof importJWK>[0],
      'EdDSA',
    );
    const { payload } = await compactVerify(hubSignature, key);
    expect(JSON.parse(Buffer.from(payload).toString('utf8'))).toEqual(
      JSON.parse(JSON.stringify({ ...body, foundAt: '2026-12-02T10:00:00.000Z' })),
    );
    expect(log.map((e) => [e.action, e.subject, e.details?.outcome, e.eventKey])).toEqual([
      ['COMBINATION', NEW_ID, 'NOTIFIED', `link:${linkNoticeId('nl-knp', NEW_ID, DE_ID)}`],
      ['COMBINATION', DE_ID, 'NOTIFIED', `link:${linkNoticeId('de-bka', DE_ID, NEW_ID)}`],
    ]);
    // Never a pseudonym, let alone a value, in what agencies and the log see.
    const told = JSON.stringify([notices.map((n) => codec.decode(n.record)), log]);
    expect(told).not.toContain(PHONE);
    expect(told).not.toContain(PLATE);
  });

  it('without an agreement nobody is told; both sides are logged as denied', () => {
    const { notices, log } = plan(facts(), [held('uk-nca', UK_ID)]);
    expect(notices).toEqual([]);
    expect(log.map((e) => [e.subject, e.details?.outcome, e.details?.rules])).toEqual([
      [NEW_ID, 'DENIED', ['builtin:default-deny']],
      [UK_ID, 'DENIED', ['builtin:default-deny']],
    ]);
  });

  it("a RED message is revealed only to its named recipients, while its agency still learns of the other's", () => {
    const { notices, log } = plan(facts({ tlp: 'RED', namedRecipients: ['ro-diicot'] }), [
      held('de-bka', DE_ID),
    ]);
    expect(notices.map((n) => n.recipientAgency)).toEqual(['nl-knp']);
    expect(log.find((e) => e.subject === DE_ID)?.details).toMatchObject({
      outcome: 'DENIED',
      rules: ['builtin:tlp-red'],
      noticeId: null,
    });
  });

  it("never links the agency's own messages, and is deterministic (a replay plans the same ids)", () => {
    expect(plan(facts(), [held('nl-knp', DE_ID)]).log).toEqual([]);
    const once = plan(facts(), [held('de-bka', DE_ID)]);
    const again = plan(facts(), [held('de-bka', DE_ID)]);
    expect(again.notices.map((n) => n.noticeId)).toEqual(once.notices.map((n) => n.noticeId));
    expect(again.log).toEqual(once.log);
  });
});

describe('planBatchLinkNotices', () => {
  const FR_ID = '44444444-4444-4444-8444-444444444444';
  const NOW = new Date('2026-12-02T10:00:00.000Z');

  function message(
    id: string,
    agency: string,
    pseudonyms: LinkFacts['pseudonyms'],
    retainUntil = '2027-01-01T00:00:00.000Z',
  ): BatchLinkMessage {
    return {
      decision: { messageId: id, originatorAgency: agency, caseRef: null } as unknown as Decision,
      links: facts({ pseudonyms }),
      retainUntil,
      decidedAt: '2026-12-02T10:00:00.000Z',
    };
  }

  const phone = [{ epoch: 1, kind: 'PHONE', pseudonym: PHONE }];
  const plate = [{ epoch: 1, kind: 'PLATE', pseudonym: PLATE }];
  const batch = (messages: BatchLinkMessage[], stored: StoredLinkRow[] = []) =>
    planBatchLinkNotices({ messages, stored, world: WORLD, signer, now: NOW });
  const noticeIds = (plan: { notices: readonly { noticeId: string }[] }) =>
    plan.notices.map((n) => n.noticeId);

  it('links a message to an earlier one of the same batch, as recorded one by one', () => {
    const first = message(NEW_ID, 'nl-knp', phone);
    const second = message(DE_ID, 'de-bka', [...phone, ...plate]);
    const together = batch([first, second]);
    const alone = planLinkNotices({
      ...second,
      matched: batch([first]).rows,
      world: WORLD,
      signer,
    });
    expect(together.rows).toHaveLength(3);
    expect(noticeIds(together)).toEqual(noticeIds(alone));
    expect(noticeIds(together)).toEqual([
      linkNoticeId('de-bka', DE_ID, NEW_ID),
      linkNoticeId('nl-knp', NEW_ID, DE_ID),
    ]);
    expect(together.log).toEqual(alone.log);
  });

  it('matches each message against the stored rows of its own pseudonyms only', () => {
    const plan = batch(
      [message(NEW_ID, 'nl-knp', phone), message(FR_ID, 'nl-knp', plate)],
      [held('de-bka', DE_ID)],
    );
    expect(plan.log.map((e) => `${e.subject} ${String(e.details?.holderMessageId)}`)).toEqual([
      `${NEW_ID} ${DE_ID}`,
      `${DE_ID} ${NEW_ID}`,
    ]);
  });

  it('leaves out an earlier row already past its retention, as the index read does', () => {
    const expired = message(NEW_ID, 'nl-knp', phone, '2026-12-01T00:00:00.000Z');
    expect(batch([expired, message(DE_ID, 'de-bka', phone)]).log).toEqual([]);
  });

  it('reads each pseudonym of the batch once', () => {
    expect(
      distinctPseudonyms([
        message(NEW_ID, 'nl-knp', phone),
        message(DE_ID, 'de-bka', [...phone, ...plate]),
      ]),
    ).toEqual([...phone, ...plate]);
  });
});
