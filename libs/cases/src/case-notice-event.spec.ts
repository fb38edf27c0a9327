/** Case notices (the contract's examples) read as case events, and what is refused. */
import type { CaseNotice } from '@liaison/contracts';
import { caseEventOf, replayCase, type CaseEvent } from '@liaison/cases';
import opened from '../../../schemas/examples/case-notice-case-opened.json';
import invited from '../../../schemas/examples/case-notice-participant-invited.json';
import request from '../../../schemas/examples/case-notice-assistance-request.json';
import refused from '../../../schemas/examples/case-notice-request-refused.json';
import closed from '../../../schemas/examples/case-notice-case-closed.json';

const JURISDICTIONS: Record<string, string> = {
  'ro-diicot': 'RO',
  'fr-ocriest': 'FR',
  'hu-nni': 'HU',
};
const jurisdictionOf = (agency: string): string | null => JURISDICTIONS[agency] ?? null;

function eventOf(notice: unknown): CaseEvent {
  const reading = caseEventOf(notice as CaseNotice, jurisdictionOf);
  if (!reading.ok) throw new Error(`${reading.code}: ${reading.reason}`);
  return reading.event;
}

describe('case notices as case events', () => {
  it('reads the contract’s examples as the events they record', () => {
    expect(eventOf(opened)).toEqual({
      eventId: opened.messageId,
      caseRef: 'RO-DIICOT-2025-311',
      by: 'ro-diicot',
      at: Date.parse('2025-01-21T09:00:00.000Z'),
      kind: 'CASE_OPENED',
      jurisdiction: 'RO',
    });
    expect(eventOf(invited)).toMatchObject({ kind: 'PARTICIPANT_INVITED', agency: 'fr-ocriest' });
    expect(eventOf(request)).toMatchObject({
      kind: 'REQUEST_SENT',
      requestId: request.messageId,
      requestKind: 'ASSISTANCE',
      to: [
        { agency: 'fr-ocriest', jurisdiction: 'FR' },
        { agency: 'hu-nni', jurisdiction: 'HU' },
      ],
      instrument: { kind: 'EIO' },
    });
    expect(eventOf(refused)).toMatchObject({
      kind: 'REQUEST_REFUSED',
      by: 'hu-nni',
      requestId: request.messageId,
    });
    expect(eventOf(closed)).toMatchObject({ kind: 'CASE_CLOSED', outcome: 'CONVICTION' });
  });

  it('lets the state machine judge the events: a request to a non-participant is refused', () => {
    const replay = replayCase([eventOf(opened), eventOf(invited), eventOf(request)]);
    expect(replay.refused).toEqual([
      expect.objectContaining({ eventId: request.messageId, code: 'ADDRESSEE_NOT_PARTICIPANT' }),
    ]);
  });

  it('refuses notices that cannot be read as an event, saying why', () => {
    const read = (notice: unknown) => caseEventOf(notice as CaseNotice, jurisdictionOf);
    expect(read({ ...request, requestedAgencies: ['xx-unknown'] })).toMatchObject({
      ok: false,
      code: 'INVALID_EVENT',
      reason: 'no jurisdiction is known for xx-unknown',
    });
    expect(
      read({
        ...request,
        instrument: { kind: 'BILATERAL', deadlineAt: null, deadlineWorkingDays: null },
      }),
    ).toMatchObject({ ok: false, code: 'INVALID_EVENT' });
    expect(
      read({ ...request, instrument: { kind: 'EIO', deadlineAt: null, deadlineWorkingDays: 5 } }),
    ).toMatchObject({ ok: false });
    expect(
      read({ ...refused, transition: { ...refused.transition, requestMessageId: null } }),
    ).toMatchObject({
      ok: false,
      reason: 'REFUSE names the request it acts on',
    });
    expect(read({ ...invited, requestedAgencies: ['fr-ocriest', 'hu-nni'] })).toMatchObject({
      ok: false,
    });
    expect(
      eventOf({
        ...request,
        instrument: { kind: 'BILATERAL', deadlineAt: null, deadlineWorkingDays: 10 },
      }),
    ).toMatchObject({
      instrument: { kind: 'BILATERAL', deadline: { kind: 'WORKING_DAYS', days: 10 } },
    });
  });
});
