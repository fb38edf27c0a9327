import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseMessage } from '@liaison/contracts';
import { extractSelectors } from '@liaison/links';
import { calendarFor, caseEventOf, replayCase, requestClocks } from '@liaison/cases';
import { demoCase, demoCaseRef, linkedPair } from './demo.command';

const HOUR = 3_600_000;

const EXAMPLES = path.resolve(__dirname, '../../../../schemas/examples');

describe('the demo stream opens with a linked pair', () => {
  const movement = JSON.parse(
    readFileSync(path.join(EXAMPLES, 'alert-suspect-movement.json'), 'utf8'),
  ) as Record<string, unknown>;

  it('two agencies, one phone written two ways, the same canonical selector and nothing else', () => {
    const [nl, ro] = linkedPair(movement);
    expect([nl?.originatorAgency, ro?.originatorAgency]).toEqual(['nl-knp', 'ro-diicot']);
    const nlSelectors = extractSelectors(parseMessage('ALERT', nl), 'NL').selectors;
    const roSelectors = extractSelectors(parseMessage('ALERT', ro), 'RO').selectors;
    expect(nlSelectors.map((s) => `${s.kind} ${s.value}`)).toEqual(['PHONE +40721555014']);
    expect(roSelectors).toEqual(nlSelectors);
  });
});

describe('the demo case', () => {
  const examples = readdirSync(EXAMPLES)
    .filter((f) => f.startsWith('case-notice-'))
    .map(
      (f) => JSON.parse(readFileSync(path.join(EXAMPLES, f), 'utf8')) as Record<string, unknown>,
    );

  it('replays as an open NL-DE case with an urgent request whose 8-hour clock runs', () => {
    const caseRef = demoCaseRef(new Date('2026-12-02T00:30:00Z'));
    expect(caseRef).toBe('NL-KNP-DEMO-20261202-0030');
    const start = Date.parse('2026-12-02T00:30:00Z');
    const events = demoCase(examples, caseRef).map((json, i) => {
      const reading = caseEventOf(
        parseMessage('CASE_NOTICE', {
          ...json,
          issuedAt: new Date(start + i * 1000).toISOString(),
        }),
        (agency) => ({ 'nl-knp': 'NL', 'de-bka': 'DE' })[agency] ?? null,
      );
      if (!reading.ok) throw new Error(reading.reason);
      return reading.event;
    });
    expect(events).toHaveLength(5);
    const replay = replayCase(events);
    expect(replay.refused).toEqual([]);
    expect(replay.state).toMatchObject({
      caseRef,
      status: 'OPEN',
      lead: 'nl-knp',
      participants: ['nl-knp', 'de-bka'],
    });
    const request = replay.state.requests[0];
    if (request === undefined) throw new Error('no request');
    expect(request.legs.map((l) => l.status)).toEqual(['ACKNOWLEDGED']);
    const clocks = requestClocks(request, start + HOUR, calendarFor);
    expect(clocks.map((c) => [c.instrument, c.status, c.dueAt - request.sentAt])).toEqual([
      ['IED_URGENT_DIRECT', 'RUNNING', 8 * HOUR],
    ]);
  });
});
