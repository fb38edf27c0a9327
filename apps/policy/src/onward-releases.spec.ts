import { Rejection } from '@liaison/fanout';
import type { RecipientDecision } from '@liaison/policy';
import { releaseDecisions, releaseReplayKey } from './onward-releases';

const HELD = '0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a01';

function decision(recipient: string, outcome: RecipientDecision['outcome']): RecipientDecision {
  return {
    recipient,
    outcome,
    rules: outcome === 'DENIED' ? ['builtin:default-deny'] : ['eu-base'],
    withheld: [],
    withheldSubjects: [],
    victimIdentityReleased: false,
    minorIdentityReleased: false,
    policyVersion: 'p1',
  };
}

describe('releaseDecisions', () => {
  const decisions = [
    decision('fr-ocriest', 'FULL'),
    decision('uk-nca', 'DENIED'),
    decision('pl-cbs', 'FULL'),
  ];
  const consent = {
    heldMessageId: HELD,
    requesterAgency: 'de-bka',
    status: 'GRANTED' as const,
    recipients: ['fr-ocriest', 'uk-nca'],
  };

  it('keeps the consented recipients only, a denial among them still denied', () => {
    const kept = releaseDecisions(decisions, consent, {
      messageId: HELD,
      originatorAgency: 'de-bka',
    });
    expect(kept.map((d) => [d.recipient, d.outcome])).toEqual([
      ['fr-ocriest', 'FULL'],
      ['uk-nca', 'DENIED'],
    ]);
  });

  it('rejects a release without a granted request with its code', () => {
    expect(() =>
      releaseDecisions(
        decisions,
        { ...consent, status: 'PENDING' },
        {
          messageId: HELD,
          originatorAgency: 'de-bka',
        },
      ),
    ).toThrow(Rejection);
    try {
      releaseDecisions(decisions, undefined, { messageId: HELD, originatorAgency: 'de-bka' });
    } catch (error) {
      expect((error as Rejection).code).toBe('links.release-not-consented');
    }
    expect.assertions(2);
  });

  it('remembers a release by its consent request, not by the held message id', () => {
    expect(releaseReplayKey('A1B2C3D4-0000-4000-8000-00000000000F')).toBe(
      'release:a1b2c3d4-0000-4000-8000-00000000000f',
    );
    expect(releaseReplayKey(HELD)).not.toBe(HELD);
  });
});
