/** The readable forms of `liaison links consent list | grant | refuse`. */
import type { ConsentRequestView } from '@liaison/links';
import { consentNoticeLine } from './feed.command';
import { consentListText, consentText } from './links-consent.command';

const asked: ConsentRequestView = {
  requestId: '5d0c1b7e-3f7a-5d7e-9b4c-2a1f0e9d8c7b',
  role: 'ORIGINAL',
  heldMessageId: '0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a02',
  requesterAgency: 'de-bka',
  originalMessageId: '0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a01',
  originalAgency: 'nl-knp',
  recipients: ['fr-ocriest', 'uk-nca'],
  status: 'PENDING',
  requestedAt: '2026-12-02T08:00:00.000Z',
  answeredAt: null,
  answeredBy: null,
  reason: null,
  release: null,
  rule: 'builtin:onward-without-consent',
};

describe('liaison links consent', () => {
  it('shows a request asked of you with who re-published what, the held recipients and how to answer', () => {
    expect(consentText(asked)).toBe(
      [
        'PENDING 5d0c1b7e-3f7a-5d7e-9b4c-2a1f0e9d8c7b  asked of you, 2026-12-02 08:00 UTC',
        '  de-bka re-published your message 0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a01 as 0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a02; held for fr-ocriest, uk-nca (builtin:onward-without-consent)',
        '  answer: liaison links consent grant 5d0c1b7e-3f7a-5d7e-9b4c-2a1f0e9d8c7b | refuse 5d0c1b7e-3f7a-5d7e-9b4c-2a1f0e9d8c7b --reason <text>, with --justification <text>',
      ].join('\n'),
    );
  });

  it("shows the requester the refusal and its reason, and a grant's release", () => {
    const refused: ConsentRequestView = {
      ...asked,
      role: 'REQUESTER',
      status: 'REFUSED',
      answeredAt: '2026-12-02T09:30:00.000Z',
      answeredBy: 'nl-knp/anna',
      reason: 'source protection',
    };
    expect(consentText(refused).split('\n')).toEqual([
      'REFUSED 5d0c1b7e-3f7a-5d7e-9b4c-2a1f0e9d8c7b  your message held, 2026-12-02 08:00 UTC',
      '  0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a02 held for fr-ocriest, uk-nca (builtin:onward-without-consent): consent of nl-knp for its message 0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a01',
      '  REFUSED by nl-knp/anna 2026-12-02 09:30 UTC: source protection',
    ]);
    const grant = { ...refused, role: 'ORIGINAL', status: 'GRANTED', reason: null } as const;
    const granted = consentText({ ...grant, release: 'QUEUED' });
    expect(granted.split('\n')[2]).toBe(
      '  GRANTED by nl-knp/anna 2026-12-02 09:30 UTC (the held message goes to fr-ocriest, uk-nca)',
    );
    expect(granted).not.toContain('answer:');
    expect(consentText({ ...grant, release: 'DUE' }).split('\n')[2]).toMatch(
      /\(the release to fr-ocriest, uk-nca is not queued yet: the hub sends it again\)$/,
    );
    expect(consentText({ ...grant, release: 'NOTHING' }).split('\n')[2]).toMatch(
      /\(nothing released to fr-ocriest, uk-nca: the held content was no longer kept\)$/,
    );
  });

  it('lists every request, or says there is none', () => {
    expect(consentListText([])).toBe('No onward-sharing consent requests.');
    const listed = consentListText([asked, { ...asked, requestId: 'other', role: 'REQUESTER' }]);
    expect(listed.split('\n').filter((l) => !l.startsWith(' '))).toHaveLength(2);
    expect(listed).toContain('other  your message held');
  });
});

describe('liaison feed: onward consent notices', () => {
  const notice = {
    noticeId: 'n-1',
    recipientAgency: 'nl-knp',
    event: 'CONSENT_REQUESTED',
    requestId: asked.requestId,
    heldMessageId: asked.heldMessageId,
    requesterAgency: 'de-bka',
    originalMessageId: asked.originalMessageId,
    originalAgency: 'nl-knp',
    recipients: ['fr-ocriest', 'uk-nca'],
    reason: null,
    raisedAt: '2026-12-02T08:00:00.000Z',
    hubSignature: 'x.y.z',
  };

  it('tells the original originator who passed what on and how to answer', () => {
    const line = consentNoticeLine('41', notice);
    expect(line).toMatch(/^#41 {2}\S.* CONSENT CONSENT_REQUESTED request=5d0c1b7e-/);
    expect(line).toContain(
      'de-bka re-published your msg=0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a01 as msg=0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a02, held for fr-ocriest, uk-nca',
    );
    expect(line).toContain('liaison links consent grant|refuse');
  });

  it('tells the requester the answer, with the reason of a refusal', () => {
    const refused = consentNoticeLine('42', {
      ...notice,
      recipientAgency: 'de-bka',
      event: 'REFUSED',
      reason: 'source protection',
    });
    expect(refused).toContain(
      'CONSENT REFUSED request=5d0c1b7e-3f7a-5d7e-9b4c-2a1f0e9d8c7b: nl-knp refuses fr-ocriest, uk-nca for msg=0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a02: source protection',
    );
    const granted = consentNoticeLine('43', { ...notice, event: 'GRANTED' });
    expect(granted).toContain(
      'nl-knp consents: msg=0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a02 goes to fr-ocriest, uk-nca',
    );
    expect(granted).not.toContain('re-published');
  });
});
