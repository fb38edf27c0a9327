import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseStrictJson } from '@liaison/crypto';
import { readableMessage, readableMessageLines } from './readable-message';
import { inboxBody, esc, statusBody } from './workspace/workspace-pages';

const example = (name: string): Record<string, unknown> =>
  parseStrictJson(
    readFileSync(path.join(__dirname, '../../../schemas/examples', `${name}.json`), 'utf8'),
  ) as Record<string, unknown>;

describe('readableMessage', () => {
  it('reads an alert: header, subjects, route, vehicles, handling', () => {
    const m = readableMessage(example('alert-victim-at-risk'));
    expect(m).toMatchObject({
      messageType: 'VICTIM_AT_RISK',
      urgency: 'IMMEDIATE',
      caseRef: 'NL-2025-0142',
      tlp: 'AMBER',
    });
    expect(m.headline).toMatch(/^Minor believed to be moved by van/);
    const lines = readableMessageLines(m);
    expect(lines).toContain('Subject 1: VICTIM, minor');
    expect(lines).toContain('  name: Ana-Maria Petrescu');
    expect(lines).toContain('  documents: NATIONAL_ID RX482913 (RO)');
    expect(lines).toContain('Subject 2: SUSPECT');
    expect(lines).toContain(
      '  1: Rotterdam (NL) → Duisburg (DE) by ROAD via A3 Emmerich-Elten departed 2025-03-13T22:30:00.000Z',
    );
    expect(lines).toContain('  1: VAN VBX-42-K (NL) Ford Transit white');
    expect(lines).toContain('  releasableTo: de-bka, ro-diicot, int-hub, ngo-safehaven');
  });

  it('keeps the token claims apart, times readable', () => {
    const lines = readableMessageLines(
      readableMessage({
        ...example('alert-victim-at-risk'),
        iss: 'nl-knp',
        iat: 1796184029,
        jti: 'x',
      }),
    );
    expect(lines.slice(lines.indexOf('Signed token'))).toEqual([
      'Signed token',
      '  signed by: nl-knp',
      '  signed at: 2026-12-02T04:00:29.000Z',
      '  token id: x',
    ]);
    expect(lines.join('\n')).not.toContain('iat:');
  });

  it('reads a case notice by its title; fields it has no section for are still shown', () => {
    const m = readableMessage(example('case-notice-assistance-request'));
    expect(m.headline).toBe('Recruitment of Romanian workers for forced labour in Lyon');
    const lines = readableMessageLines(m);
    expect(lines).toContain('  requestedAgencies: fr-ocriest, hu-nni');
    expect(lines).toContain('  instrument.kind: EIO');
    expect(lines.join('\n')).toContain('assistance requested: Identify the occupants');
  });

  it('leaves withheld (absent) fields out and says when the headline is not disclosed', () => {
    const claims = example('alert-victim-at-risk');
    delete claims.headline;
    const m = readableMessage(claims);
    expect(m.headline).toBeNull();
  });

  it('never reads a member through the prototype', () => {
    const claims = Object.create({ headline: 'from the prototype' }) as Record<string, unknown>;
    claims.messageType = 'VICTIM_AT_RISK';
    expect(readableMessage(claims).headline).toBeNull();
  });
});

describe('workspace pages escape what others wrote', () => {
  const hostile = `<img src=x onerror="alert(1)">'&`;

  it('esc', () => {
    expect(esc(hostile)).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;');
  });

  it('inbox rows and status tables carry no markup from their content', () => {
    const html = inboxBody(
      [
        {
          cursor: '7',
          delivery: {
            messageId: hostile,
            messageType: hostile,
            originatorAgency: hostile,
            recipientAgency: 'de-bka',
            presentation: '',
            encrypted: false,
            disclosedPaths: [],
            withheld: [],
            policyVersion: '',
            receipt: '',
            receiptProof: { leafIndex: 0, treeSize: 1, path: [] },
            deliveredAt: hostile,
          },
          summary: { headline: hostile, urgency: hostile, caseRef: hostile, unreadable: null },
        },
      ],
      1,
    );
    const status = statusBody({
      messageId: hostile,
      kind: 'ALERT',
      messageType: hostile,
      caseRef: hostile,
      custodial: false,
      receivedAt: hostile,
      status: hostile,
      outcomes: { [hostile]: 1 },
      recipients: [
        {
          agency: hostile,
          jurisdiction: hostile,
          outcome: hostile,
          rules: [hostile],
          withheld: [{ path: hostile, ruleId: hostile }],
          withheldCount: 1,
          disclosedCount: 0,
          policyVersion: hostile,
          decidedAt: hostile,
          deliveryEntryId: hostile,
        },
      ],
    });
    for (const out of [html, status]) {
      expect(out).not.toContain('<img');
      expect(out).not.toContain(`"alert(1)"`);
      expect(out).toContain('&lt;img');
    }
  });
});
