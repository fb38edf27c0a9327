/**
 * Avro single-object codec against JSON for one Alert (a minor victim, a suspect,
 * a vehicle, a route leg): encode and decode, JSON in the same run as baseline.
 * "avsc body only" is avsc without our header and bounded pre-scan, so the cost
 * of the hostile-input guard reads directly off the ratios.
 */
import { avroType, codecFor, parseMessage, toMessageJson, type Alert } from '@liaison/contracts';
import { measure, type MicroBenchmark } from '../harness';

const loc = (locationType: string, country: string, place: string): Record<string, unknown> => ({
  locationType,
  country,
  place,
});

const alert: Alert = parseMessage('ALERT', {
  messageId: '5b0c2f4e-8a51-4c3e-9d7a-2f1e6b8c4a01',
  originatorAgency: 'nl-knp',
  messageType: 'VICTIM_AT_RISK',
  issuedAt: '2025-03-14T06:40:00.000Z',
  handling: {
    tlp: 'AMBER',
    handlingCode: 'H2',
    grading: { scale: 'FOUR_BY_FOUR', source: 'B', information: '2' },
    purposes: ['INVESTIGATION', 'VICTIM_SUPPORT'],
    releasableTo: ['de-bka', 'ro-diicot', 'int-hub', 'ngo-safehaven'],
    retentionDays: 180,
  },
  caseRef: 'NL-2025-0142',
  urgency: 'IMMEDIATE',
  validFrom: '2025-03-14T06:40:00.000Z',
  validUntil: '2025-03-21T06:40:00.000Z',
  headline: 'Minor believed to be moved by van from Rotterdam towards Germany',
  subjects: [
    {
      role: 'VICTIM',
      minor: true,
      identity: {
        fullName: 'Ana-Maria Petrescu',
        dateOfBirth: '2009-11-02',
        nationality: 'RO',
        sex: 'FEMALE',
        documents: [
          {
            documentType: 'NATIONAL_ID',
            number: 'RX482913',
            issuingCountry: 'RO',
            status: 'GENUINE',
          },
        ],
        contactHandles: [{ handleType: 'MESSENGER', value: '+40721555014', platform: 'WhatsApp' }],
      },
      description: '15 years old, 1.60 m, long dark hair',
    },
    {
      role: 'SUSPECT',
      minor: false,
      identity: {
        fullName: 'Florin Dobre',
        aliases: ['Flo'],
        dateOfBirth: '1991-04',
        nationality: 'RO',
        contactHandles: [{ handleType: 'PHONE', value: '+31612345678' }],
      },
    },
  ],
  locations: [loc('ADDRESS', 'NL', 'Rotterdam, Katendrecht')],
  routeLegs: [
    {
      sequence: 1,
      origin: loc('SETTLEMENT', 'NL', 'Rotterdam'),
      destination: loc('SETTLEMENT', 'DE', 'Duisburg'),
      mode: 'ROAD',
      borderCrossing: 'A3 Emmerich-Elten',
      departedAt: '2025-03-13T22:30:00.000Z',
    },
  ],
  vehicles: [{ vehicleType: 'VAN', plate: 'VBX-42-K', registrationCountry: 'NL', make: 'Ford' }],
  narrative: 'Recruited via Telegram with a promise of a hairdressing job in Duisburg.',
});

const codec = codecFor('Alert');
const type = avroType('Alert');
const json = JSON.stringify(toMessageJson(alert));
const encoded = codec.encode(alert);
const body = type.toBuffer(alert);

export const benchmarks: MicroBenchmark[] = [
  {
    group: `Alert encode (JSON ${Buffer.byteLength(json)} B, Avro ${encoded.length} B)`,
    baseline: 'JSON.stringify',
    run: async () => [
      await measure('JSON.stringify', () => JSON.stringify(alert)),
      await measure('Avro single-object encode (codecFor)', () => codec.encode(alert)),
      await measure('avsc body only (toBuffer)', () => type.toBuffer(alert)),
    ],
  },
  {
    group: 'Alert decode',
    baseline: 'JSON.parse',
    run: async () => [
      await measure('JSON.parse', () => JSON.parse(json) as unknown),
      await measure('JSON.parse + parseMessage (validated)', () =>
        parseMessage('ALERT', JSON.parse(json) as unknown),
      ),
      await measure('Avro single-object decode (codecFor, guarded)', () => codec.decode(encoded)),
      await measure('avsc body only (fromBuffer)', () => type.fromBuffer(body) as unknown),
    ],
  },
];
