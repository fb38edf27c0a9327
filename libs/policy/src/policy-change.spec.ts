import { approveChange, draftPolicyChange, rejectChange } from '@liaison/policy';
import { thrownCode } from '../test/fixtures';

const change = draftPolicyChange({
  id: 'chg-1',
  document: { jurisdiction: 'NL', outbound: [] },
  authorOfficer: 'officer-a',
  authorAgency: 'nl-knp',
});
const approver = { officerId: 'officer-b', agencyJurisdiction: 'NL', roles: ['policy-approver'] };

describe('four-eyes policy changes', () => {
  it('starts as a draft and is approved by a second officer of the same jurisdiction', () => {
    expect(change.status).toBe('draft');
    const approved = approveChange(change, approver);
    expect(approved.status).toBe('approved');
    expect(approved.approvals).toEqual([{ officerId: 'officer-b', decision: 'approved' }]);
    expect(change.status).toBe('draft'); // pure: input untouched
  });

  it('refuses self-approval, other jurisdictions and missing role', () => {
    expect(thrownCode(() => approveChange(change, { ...approver, officerId: 'officer-a' }))).toBe(
      'policy.self-approval',
    );
    expect(thrownCode(() => approveChange(change, { ...approver, agencyJurisdiction: 'DE' }))).toBe(
      'policy.wrong-jurisdiction',
    );
    expect(thrownCode(() => approveChange(change, { ...approver, roles: ['policy-author'] }))).toBe(
      'policy.not-approver',
    );
  });

  it('cannot approve twice or approve a rejected change', () => {
    const rejected = rejectChange(change, approver, 'too broad');
    expect(rejected.status).toBe('rejected');
    expect(thrownCode(() => approveChange(rejected, approver))).toBe('policy.change-not-draft');
    expect(
      thrownCode(() =>
        approveChange(approveChange(change, approver), { ...approver, officerId: 'officer-c' }),
      ),
    ).toBe('policy.change-not-draft');
  });
});
