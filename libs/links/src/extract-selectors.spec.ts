import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMessage, type Alert, type CaseNotice } from '@liaison/contracts';
import { extractSelectors } from './index';

const EXAMPLES = join(__dirname, '../../../schemas/examples');

function example(file: string): Alert | CaseNotice {
  const json = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Record<string, unknown>;
  return file.startsWith('alert-')
    ? parseMessage('ALERT', json)
    : parseMessage('CASE_NOTICE', json);
}

function alertWith(fields: Record<string, unknown>): Alert {
  const base = JSON.parse(
    readFileSync(join(EXAMPLES, 'alert-suspect-movement.json'), 'utf8'),
  ) as Record<string, unknown>;
  return parseMessage('ALERT', { ...base, subjects: [], ...fields });
}

function identity(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    role: 'SUSPECT',
    minor: false,
    identity: {
      fullName: null,
      givenNames: null,
      familyName: null,
      aliases: [],
      dateOfBirth: null,
      nationality: null,
      sex: null,
      documents: [],
      contactHandles: [],
      ...fields,
    },
    description: null,
    lastSeen: null,
  };
}

const phone = (value: string, handleType = 'PHONE', platform: string | null = null) => ({
  handleType,
  value,
  platform,
});

describe('extractSelectors', () => {
  it('reads every selector field of the victim-at-risk example', () => {
    const { selectors, skipped } = extractSelectors(example('alert-victim-at-risk.json'), 'NL');
    expect(selectors).toEqual([
      { kind: 'DOCUMENT', value: 'RO:RX482913', strength: 'EXACT' },
      { kind: 'PHONE', value: '+40721555014', strength: 'EXACT' },
      { kind: 'PERSON', value: 'ana maria petrescu|2009-11-02', strength: 'POSSIBLE' },
      { kind: 'DOCUMENT', value: 'RO:058812347', strength: 'EXACT' },
      { kind: 'PHONE', value: '+31612345678', strength: 'EXACT' },
      { kind: 'HANDLE', value: 'telegram:flo_transport', strength: 'EXACT' },
      { kind: 'PLATE', value: 'NL:VBX42K', strength: 'EXACT' },
    ]);
    expect(skipped).toEqual([
      { kind: 'PERSON', path: 'subjects[0].identity.aliases[0]', reason: 'missing-name' },
      { kind: 'PERSON', path: 'subjects[1].identity', reason: 'partial-date-of-birth' },
      { kind: 'PERSON', path: 'subjects[1].identity.aliases[0]', reason: 'missing-name' },
      { kind: 'PERSON', path: 'subjects[1].identity.aliases[1]', reason: 'missing-name' },
    ]);
  });

  it('reads IBANs and wallets, skipping a wallet whose checksum fails', () => {
    const { selectors, skipped } = extractSelectors(example('alert-financial-pattern.json'), 'FR');
    expect(selectors).toEqual([
      { kind: 'IBAN', value: 'FR7630006000011234567890189', strength: 'EXACT' },
    ]);
    expect(skipped).toEqual([
      { kind: 'WALLET', path: 'financialIdentifiers[1]', reason: 'wallet-checksum' },
    ]);
  });

  it('reads plates and VINs of vehicles', () => {
    const { selectors } = extractSelectors(example('alert-trafficking-route.json'), 'RO');
    expect(selectors.map((s) => `${s.kind} ${s.value}`)).toEqual([
      'PLATE RO:IS19TRV',
      'VIN WDB9066331S123456',
    ]);
  });

  it('reads the subjects of a case notice', () => {
    const { selectors } = extractSelectors(example('case-notice-case-update.json'), 'FR');
    expect(selectors.map((s) => `${s.kind} ${s.value}`)).toEqual([
      'PHONE +33655501234',
      'PERSON ciobanu ionut|1979-02-25',
    ]);
  });

  it('folds one phone written three ways by a Romanian agency into one selector', () => {
    const message = alertWith({
      subjects: [
        identity({
          contactHandles: [phone('+40 721 555 014'), phone('0040721555014')],
        }),
        identity({ contactHandles: [phone('0721 555 014', 'MESSENGER', 'WhatsApp')] }),
      ],
    });
    expect(extractSelectors(message, 'RO').selectors).toEqual([
      { kind: 'PHONE', value: '+40721555014', strength: 'EXACT' },
    ]);
  });

  it('reads a national number in the originator region only', () => {
    const message = alertWith({
      subjects: [identity({ contactHandles: [phone('06 12 34 56 78')] })],
    });
    expect(extractSelectors(message, 'NL').selectors.map((s) => s.value)).toEqual(['+31612345678']);
    expect(extractSelectors(message, 'INT')).toEqual({
      selectors: [],
      skipped: [
        { kind: 'PHONE', path: 'subjects[0].identity.contactHandles[0]', reason: 'invalid-phone' },
      ],
    });
  });

  it('reads mobile money accounts as phones of their country', () => {
    const message = alertWith({
      financialIdentifiers: [
        {
          identifierType: 'MOBILE_MONEY',
          value: '0917 123 4567',
          institution: 'GCash',
          country: 'PH',
          holderName: null,
          note: null,
        },
        {
          identifierType: 'PAYMENT_CARD',
          value: '4111 **** **** 1111',
          institution: null,
          country: null,
          holderName: null,
          note: null,
        },
      ],
    });
    expect(extractSelectors(message, 'DE')).toEqual({
      selectors: [{ kind: 'PHONE', value: '+639171234567', strength: 'EXACT' }],
      skipped: [{ kind: 'IBAN', path: 'financialIdentifiers[1]', reason: 'unsupported-type' }],
    });
  });

  it('reads given and family names when the full name is missing, and aliases', () => {
    const message = alertWith({
      subjects: [
        identity({
          givenNames: 'Thi Mai',
          familyName: 'Nguyễn',
          aliases: ['Mai Nguyen Thi', 'Lily Tran'],
          dateOfBirth: '2004-06-01',
        }),
      ],
    });
    expect(extractSelectors(message, 'VN').selectors.map((s) => s.value)).toEqual([
      'mai nguyen thi|2004-06-01',
      'lily tran|2004-06-01',
    ]);
  });

  it('never puts a value in the skipped list', () => {
    const secret = '+40 721 555 01';
    const message = alertWith({
      subjects: [identity({ contactHandles: [phone(secret)], documents: [] })],
      vehicles: [
        {
          vehicleType: 'VAN',
          plate: 'B 123 XYZ',
          registrationCountry: null,
          make: null,
          model: null,
          colour: null,
          vin: 'NOTAVIN42',
        },
      ],
    });
    const { skipped } = extractSelectors(message, 'RO');
    expect(skipped.map((s) => s.reason)).toEqual([
      'invalid-phone',
      'missing-country',
      'invalid-vin',
    ]);
    expect(JSON.stringify(skipped)).not.toMatch(/721|XYZ|NOTAVIN/);
  });
});
