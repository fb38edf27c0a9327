import { ONWARD_WITHOUT_CONSENT, onwardHolds, type StoredLinkRow } from './index';

const NL_MESSAGE = '11111111-1111-4111-8111-111111111111';

function row(patch: Partial<StoredLinkRow> = {}): StoredLinkRow {
  return {
    epoch: 1,
    kind: 'PHONE',
    pseudonym: 'p',
    agency: 'nl-knp',
    messageId: NL_MESSAGE,
    caseHandle: 'NL-KNP-1',
    tlp: 'AMBER_STRICT',
    handlingCode: 'H0',
    releasableTo: [],
    namedRecipients: ['de-bka'],
    ...patch,
  };
}

/** DE-BKA re-publishes as its own; the ordinary policy would deliver to these. */
const RECIPIENTS = ['nl-knp', 'fr-ocriest', 'ro-diicot'];

function holds(
  matched: StoredLinkRow[],
  options: { received?: boolean; consents?: string[]; recipients?: string[] } = {},
) {
  return onwardHolds({
    submitter: 'de-bka',
    recipients: options.recipients ?? RECIPIENTS,
    matched,
    received: () => options.received ?? true,
    consents: new Set(options.consents ?? []),
  }).map((h) => `${h.recipient} ${h.originalOriginator} ${h.rule}`);
}

describe('onwardHolds', () => {
  it('holds AMBER+STRICT content passed on: everyone but the original originator', () => {
    expect(holds([row()])).toEqual([
      `fr-ocriest nl-knp ${ONWARD_WITHOUT_CONSENT}`,
      `ro-diicot nl-knp ${ONWARD_WITHOUT_CONSENT}`,
    ]);
  });

  it('RED lets the agencies it names receive it; H2 holds whatever the TLP', () => {
    expect(holds([row({ tlp: 'RED', namedRecipients: ['de-bka', 'fr-ocriest'] })])).toEqual([
      `ro-diicot nl-knp ${ONWARD_WITHOUT_CONSENT}`,
    ]);
    expect(holds([row({ tlp: 'GREEN', handlingCode: 'H2', namedRecipients: [] })])).toHaveLength(2);
  });

  it('holds nothing for unrestricted marks, for what the submitter never received, or its own', () => {
    expect(holds([row({ tlp: 'AMBER', handlingCode: 'H1' })])).toEqual([]);
    expect(holds([row()], { received: false })).toEqual([]);
    expect(holds([row({ agency: 'de-bka' })])).toEqual([]);
  });

  it('a POSSIBLE match alone holds nothing; one exact kind among others is enough', () => {
    expect(holds([row({ kind: 'PERSON' })])).toEqual([]);
    expect(holds([row({ kind: 'PERSON' }), row({ kind: 'PLATE' })])).toHaveLength(2);
  });

  it("the original originator's consent releases a recipient", () => {
    expect(holds([row()], { consents: [`${NL_MESSAGE}|fr-ocriest`] })).toEqual([
      `ro-diicot nl-knp ${ONWARD_WITHOUT_CONSENT}`,
    ]);
  });
});
