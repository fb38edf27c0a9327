import {
  approveChange,
  draftPolicyChange,
  rejectChange,
  type OfficerEnrolmentView,
  type PolicyApprover,
} from '@liaison/policy';
import { thrownCode } from '../test/fixtures';

/** An enrolled officer as the gateway builds it from a verified token and the directory. */
function officer(
  agencyId: string,
  officerId: string,
  jurisdiction: string,
  roles: string[],
  enrolment: Partial<OfficerEnrolmentView> | null = {},
): PolicyApprover {
  const kid = `${agencyId}-${officerId}-key`;
  return {
    agencyId,
    officerId,
    kid,
    agencyJurisdiction: jurisdiction,
    roles,
    enrolment:
      enrolment === null
        ? undefined
        : { agencyId, officerId, kid, roles, status: 'active', ...enrolment },
  };
}

const author = officer('nl-knp', 'officer-a', 'NL', ['policy-author', 'policy-approver']);
const change = draftPolicyChange({
  id: 'chg-1',
  document: { jurisdiction: 'NL', outbound: [] },
  author,
});
const approver = officer('nl-knp', 'officer-b', 'NL', ['policy-approver']);

describe('four-eyes policy changes: two enrolled people', () => {
  it('starts as a draft and is approved by a second enrolled officer of the same agency', () => {
    expect(change.status).toBe('draft');
    expect(change.authorKid).toBe('nl-knp-officer-a-key');
    const approved = approveChange(change, approver);
    expect(approved.status).toBe('approved');
    expect(approved.approvals).toEqual([
      {
        agencyId: 'nl-knp',
        officerId: 'officer-b',
        kid: 'nl-knp-officer-b-key',
        decision: 'approved',
      },
    ]);
    expect(change.status).toBe('draft'); // pure: input untouched
  });

  const refusals: [string, PolicyApprover, string][] = [
    ['the author again (same officer id)', { ...author }, 'policy.self-approval'],
    [
      'the author under another name but with the same enrolled key',
      officer('nl-knp', 'officer-z', 'NL', ['policy-approver'], {
        kid: 'nl-knp-officer-a-key',
      }),
      'policy.officer-not-enrolled',
    ],
    [
      'the author key presented under another name',
      {
        ...officer('nl-knp', 'officer-z', 'NL', ['policy-approver']),
        kid: 'nl-knp-officer-a-key',
        enrolment: {
          agencyId: 'nl-knp',
          officerId: 'officer-z',
          kid: 'nl-knp-officer-a-key',
          roles: ['policy-approver'],
          status: 'active',
        },
      },
      'policy.self-approval',
    ],
    [
      'an officer of another agency of the same jurisdiction',
      officer('nl-kmar', 'officer-m', 'NL', ['policy-approver']),
      'policy.other-agency',
    ],
    [
      'an officer of another jurisdiction',
      officer('de-bka', 'officer-d', 'DE', ['policy-approver']),
      'policy.wrong-jurisdiction',
    ],
    [
      'a name nobody enrolled',
      officer('nl-knp', 'officer-x', 'NL', ['policy-approver'], null),
      'policy.officer-not-enrolled',
    ],
    [
      'a revoked officer',
      officer('nl-knp', 'officer-b', 'NL', ['policy-approver'], { status: 'revoked' }),
      'policy.officer-revoked',
    ],
    [
      'an officer whose enrolment lacks the approver role',
      officer('nl-knp', 'officer-c', 'NL', ['policy-approver'], { roles: ['policy-author'] }),
      'policy.not-approver',
    ],
    [
      'an officer whose request does not carry the approver role',
      officer('nl-knp', 'officer-c', 'NL', ['policy-author'], {
        roles: ['policy-author', 'policy-approver'],
      }),
      'policy.not-approver',
    ],
  ];

  it.each(refusals)('refuses approval by %s', (_name, reviewer, code) => {
    expect(thrownCode(() => approveChange(change, reviewer))).toBe(code);
    expect(thrownCode(() => rejectChange(change, reviewer, 'too broad'))).toBe(code);
  });

  it('refuses a draft by a non-enrolled, revoked, role-less or foreign author', () => {
    const draft = (who: PolicyApprover): string =>
      thrownCode(() =>
        draftPolicyChange({ id: 'c', document: { jurisdiction: 'NL', outbound: [] }, author: who }),
      );
    expect(draft(officer('nl-knp', 'x', 'NL', ['policy-author'], null))).toBe(
      'policy.officer-not-enrolled',
    );
    expect(draft(officer('nl-knp', 'x', 'NL', ['policy-author'], { status: 'revoked' }))).toBe(
      'policy.officer-revoked',
    );
    expect(draft(officer('nl-knp', 'x', 'NL', ['policy-approver']))).toBe('policy.not-author');
    expect(draft(officer('de-bka', 'x', 'DE', ['policy-author']))).toBe(
      'policy.wrong-jurisdiction',
    );
  });

  it('needs a reason to reject, and names the rejecter only as a rejecter', () => {
    expect(thrownCode(() => rejectChange(change, approver, '  '))).toBe('policy.reason-required');
    const rejected = rejectChange(change, approver, 'too broad');
    expect(rejected.status).toBe('rejected');
    expect(rejected.approvals).toEqual([
      expect.objectContaining({
        officerId: 'officer-b',
        decision: 'rejected',
        reason: 'too broad',
      }),
    ]);
  });

  it('cannot approve twice or approve a rejected change', () => {
    const rejected = rejectChange(change, approver, 'too broad');
    expect(thrownCode(() => approveChange(rejected, approver))).toBe('policy.change-not-draft');
    expect(
      thrownCode(() =>
        approveChange(
          approveChange(change, approver),
          officer('nl-knp', 'officer-c', 'NL', ['policy-approver']),
        ),
      ),
    ).toBe('policy.change-not-draft');
  });
});
