/**
 * A synthetic corpus for link tests and benchmarks: alerts from many agencies with
 * planted cross-agency links through phones, documents and plates, each side
 * written in its own format, and near-misses that must not link (one digit off,
 * the same plate characters in another country, the same document number from
 * another issuing country, one agency repeating its own selector). Deterministic:
 * the same options give the same corpus.
 * Uniqueness is by construction: every generated value carries a serial number
 * and a category digit, so background values never collide with each other, with
 * planted values or with near-misses, and a measured link is planted or a fault.
 */
import type { Alert, ContactHandle, IdentityDocument, Subject, Vehicle } from '@liaison/contracts';

export interface CorpusAgency {
  readonly id: string;
  readonly jurisdiction: string;
}

export const CORPUS_AGENCIES: readonly CorpusAgency[] = [
  { id: 'nl-knp', jurisdiction: 'NL' },
  { id: 'nl-kmar', jurisdiction: 'NL' },
  { id: 'de-bka', jurisdiction: 'DE' },
  { id: 'de-bpol', jurisdiction: 'DE' },
  { id: 'fr-ocriest', jurisdiction: 'FR' },
  { id: 'ro-diicot', jurisdiction: 'RO' },
  { id: 'bg-gdbop', jurisdiction: 'BG' },
  { id: 'it-scip', jurisdiction: 'IT' },
  { id: 'cz-nckp', jurisdiction: 'CZ' },
  { id: 'uk-nca', jurisdiction: 'UK' },
  { id: 'th-dsi', jurisdiction: 'TH' },
  { id: 'ph-nbi', jurisdiction: 'PH' },
];

export type PlantedKind = 'PHONE' | 'DOCUMENT' | 'PLATE';

export interface CorpusMessage {
  readonly message: Alert;
  /** The originator's jurisdiction: the default region of its phone numbers. */
  readonly jurisdiction: string;
}

export interface PlantedLink {
  readonly kind: PlantedKind;
  /** The two messages, of two agencies, that hold the same selector. */
  readonly messageIds: readonly [string, string];
}

export type NearMissKind =
  | 'phone-digit-off'
  | 'document-digit-off'
  | 'document-other-country'
  | 'plate-other-country'
  | 'same-agency-repeat';

export interface NearMiss {
  readonly kind: NearMissKind;
  readonly messageId: string;
  /** The messages of the planted link (or the agency's own earlier message) it must not link to. */
  readonly mustNotLinkTo: readonly string[];
}

export interface LinkCorpus {
  readonly agencies: readonly CorpusAgency[];
  /** In publication order. */
  readonly messages: readonly CorpusMessage[];
  readonly planted: readonly PlantedLink[];
  readonly nearMisses: readonly NearMiss[];
}

export interface LinkCorpusOptions {
  readonly seed: number;
  readonly messages: number;
  readonly plantedLinks: number;
  readonly agencies?: readonly CorpusAgency[];
}

/** mulberry32: small, fast, good enough to shuffle a corpus. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface MobileRange {
  readonly country: string;
  readonly cc: string;
  /** National prefixes (trunk 0 included), each followed by 7 subscriber digits. */
  readonly prefixes: readonly string[];
}

const MOBILE_RANGES: readonly MobileRange[] = [
  { country: 'RO', cc: '40', prefixes: ['072', '073', '074', '075'] },
  { country: 'NL', cc: '31', prefixes: ['061', '062', '063', '064', '065'] },
  { country: 'DE', cc: '49', prefixes: ['0170', '0171', '0176'] },
];

/** Category digits: the last digit of every generated serial value says what it is. */
const PLANTED = 3;
const NEAR = 4;
const BACKGROUND = 7;

const PLATE_COUNTRIES: readonly { iso: string; signs: readonly string[] }[] = [
  { iso: 'RO', signs: ['RO'] },
  { iso: 'BG', signs: ['BG'] },
  { iso: 'DE', signs: ['DE', 'D'] },
  { iso: 'NL', signs: ['NL'] },
  { iso: 'FR', signs: ['FR', 'F'] },
  { iso: 'IT', signs: ['IT', 'I'] },
];

const DOCUMENT_COUNTRIES = ['RO', 'BG', 'NL', 'DE', 'FR', 'IT', 'CZ', 'TH', 'PH', 'VN', 'NG', 'UA'];

class CorpusWriter {
  private serial = 0;
  private messageSerial = 0;

  constructor(readonly rnd: () => number) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rnd() * items.length)] as T;
  }

  /** A fresh 7-digit subscriber number ending in the category digit. */
  subscriber(category: number): string {
    this.serial += 1;
    if (this.serial >= 1_000_000) throw new Error('link corpus: more than 10^6 serial values');
    return String(this.serial * 10 + category).padStart(7, '0');
  }

  uuid(): string {
    this.messageSerial += 1;
    const hex = this.messageSerial.toString(16).padStart(12, '0');
    return `00000000-0000-4000-8000-${hex}`;
  }
}

interface Phone {
  readonly range: MobileRange;
  readonly prefix: string;
  readonly subscriber: string;
}

function phoneOf(w: CorpusWriter, category: number): Phone {
  const range = w.pick(MOBILE_RANGES);
  return { range, prefix: w.pick(range.prefixes), subscriber: w.subscriber(category) };
}

function grouped(digits: string, sep: string): string {
  return digits.match(/.{1,3}/g)?.join(sep) ?? digits;
}

/** The international call prefix dialled from a jurisdiction (Thailand: 001). */
function internationalPrefix(jurisdiction: string): string {
  return jurisdiction === 'TH' ? '001' : '00';
}

/** The phone as an agency of `jurisdiction` might write it. */
function writtenPhone(w: CorpusWriter, p: Phone, jurisdiction: string): string {
  const national = p.prefix + p.subscriber;
  const trunkless = national.slice(1);
  const forms = [
    `+${p.range.cc} ${grouped(trunkless, ' ')}`,
    `${internationalPrefix(jurisdiction)}${p.range.cc}${trunkless}`,
    `+${p.range.cc} (0)${grouped(trunkless, '-')}`,
    `+${p.range.cc}${trunkless}`,
  ];
  if (jurisdiction === p.range.country) forms.push(grouped(national, ' '), national);
  return w.pick(forms);
}

function digitOff(p: Phone): Phone {
  const last = Number(p.subscriber.slice(-1));
  return { ...p, subscriber: p.subscriber.slice(0, -1) + String((last + 1) % 10) };
}

interface Doc {
  readonly country: string;
  readonly number: string;
}

function docOf(w: CorpusWriter, category: number): Doc {
  const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  return {
    country: w.pick(DOCUMENT_COUNTRIES),
    number: w.pick([...letters]) + w.pick([...letters]) + w.subscriber(category),
  };
}

function writtenDocument(w: CorpusWriter, d: Doc): IdentityDocument {
  const n = d.number;
  const forms = [
    n,
    n.toLowerCase(),
    `${n.slice(0, 2)} ${n.slice(2)}`,
    `${n.slice(0, 2)}-${n.slice(2, 5)}-${n.slice(5)}`,
  ];
  return {
    documentType: w.pick(['PASSPORT', 'NATIONAL_ID'] as const),
    number: w.pick(forms),
    issuingCountry: w.rnd() < 0.5 ? d.country : d.country.toLowerCase(),
    expiresOn: null,
    status: 'UNKNOWN',
  };
}

interface Plate {
  readonly country: (typeof PLATE_COUNTRIES)[number];
  readonly letters: string;
  readonly digits: string;
  readonly suffix: string;
}

function plateOf(w: CorpusWriter, category: number): Plate {
  const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  return {
    country: w.pick(PLATE_COUNTRIES),
    letters: w.pick([...letters]) + w.pick([...letters]),
    digits: w.subscriber(category),
    suffix: w.pick([...letters]) + w.pick([...letters]),
  };
}

function writtenPlate(w: CorpusWriter, p: Plate): Vehicle {
  const forms = [
    `${p.letters} ${p.digits} ${p.suffix}`,
    `${p.letters}-${p.digits}-${p.suffix}`,
    `${p.letters}${p.digits}${p.suffix}`.toLowerCase(),
    `${p.letters} ${p.digits.slice(0, 3)} ${p.digits.slice(3)} ${p.suffix}`,
  ];
  return {
    vehicleType: w.pick(['CAR', 'VAN', 'MINIBUS'] as const),
    plate: w.pick(forms),
    registrationCountry: w.pick(p.country.signs),
    make: null,
    model: null,
    colour: null,
    vin: null,
  };
}

function subject(handles: ContactHandle[], documents: IdentityDocument[]): Subject {
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
      documents,
      contactHandles: handles,
    },
    description: null,
    lastSeen: null,
  };
}

interface Draft {
  readonly agency: CorpusAgency;
  readonly messageId: string;
  readonly phones: string[];
  readonly documents: IdentityDocument[];
  readonly vehicles: Vehicle[];
}

function alertOf(d: Draft, issuedAt: string): Alert {
  const handles: ContactHandle[] = d.phones.map((value) => ({
    handleType: 'PHONE',
    value,
    platform: null,
  }));
  return {
    messageId: d.messageId,
    originatorAgency: d.agency.id,
    messageType: 'SUSPECT_MOVEMENT',
    issuedAt,
    handling: {
      tlp: 'AMBER',
      handlingCode: 'H1',
      handlingConditions: null,
      grading: { scale: 'FOUR_BY_FOUR', source: 'B', information: '2' },
      purposes: ['INVESTIGATION'],
      releasableTo: [],
      retentionDays: 90,
      namedRecipients: [],
    },
    caseRef: `${d.agency.id.toUpperCase()}-${d.messageId.slice(-6)}`,
    urgency: 'URGENT',
    validFrom: issuedAt,
    validUntil: null,
    headline: null,
    subjects: handles.length + d.documents.length > 0 ? [subject(handles, d.documents)] : [],
    locations: [],
    routeLegs: [],
    vehicles: d.vehicles,
    financialIdentifiers: [],
    adverts: [],
    narrative: null,
  };
}

/** Builds the corpus: planted pairs, their near-misses, then background messages, shuffled. */
export function generateLinkCorpus(options: LinkCorpusOptions): LinkCorpus {
  const agencies = options.agencies ?? CORPUS_AGENCIES;
  if (agencies.length < 3) throw new Error('a link corpus needs at least 3 agencies');
  const w = new CorpusWriter(random(options.seed));
  const drafts: Draft[] = [];
  const planted: PlantedLink[] = [];
  const nearMisses: NearMiss[] = [];
  const draft = (agency: CorpusAgency): Draft => {
    const d: Draft = { agency, messageId: w.uuid(), phones: [], documents: [], vehicles: [] };
    drafts.push(d);
    return d;
  };
  const threeAgencies = (): [CorpusAgency, CorpusAgency, CorpusAgency] => {
    const a = w.pick(agencies);
    let b = w.pick(agencies);
    while (b.id === a.id) b = w.pick(agencies);
    let c = w.pick(agencies);
    while (c.id === a.id || c.id === b.id) c = w.pick(agencies);
    return [a, b, c];
  };

  const kinds: readonly PlantedKind[] = ['PHONE', 'DOCUMENT', 'PLATE'];
  for (let i = 0; i < options.plantedLinks; i++) {
    const kind = kinds[i % kinds.length] as PlantedKind;
    const [a, b, c] = threeAgencies();
    const first = draft(a);
    const second = draft(b);
    const pair = [first.messageId, second.messageId] as const;
    planted.push({ kind, messageIds: pair });
    const near = draft(c);
    switch (kind) {
      case 'PHONE': {
        const p = phoneOf(w, PLANTED);
        first.phones.push(writtenPhone(w, p, a.jurisdiction));
        second.phones.push(writtenPhone(w, p, b.jurisdiction));
        near.phones.push(writtenPhone(w, digitOff(p), c.jurisdiction));
        nearMisses.push({
          kind: 'phone-digit-off',
          messageId: near.messageId,
          mustNotLinkTo: pair,
        });
        break;
      }
      case 'DOCUMENT': {
        const d = docOf(w, PLANTED);
        first.documents.push(writtenDocument(w, d));
        second.documents.push(writtenDocument(w, d));
        const otherCountry = DOCUMENT_COUNTRIES.find((x) => x !== d.country) as string;
        if (i % 2 === 0) {
          near.documents.push(writtenDocument(w, { ...d, country: otherCountry }));
          nearMisses.push({
            kind: 'document-other-country',
            messageId: near.messageId,
            mustNotLinkTo: pair,
          });
        } else {
          const last = Number(d.number.slice(-1));
          const number = d.number.slice(0, -1) + String((last + 1) % 10);
          near.documents.push(writtenDocument(w, { ...d, number }));
          nearMisses.push({
            kind: 'document-digit-off',
            messageId: near.messageId,
            mustNotLinkTo: pair,
          });
        }
        break;
      }
      case 'PLATE': {
        const p = plateOf(w, PLANTED);
        first.vehicles.push(writtenPlate(w, p));
        second.vehicles.push(writtenPlate(w, p));
        const country = PLATE_COUNTRIES.find((x) => x.iso !== p.country.iso) as Plate['country'];
        near.vehicles.push(writtenPlate(w, { ...p, country }));
        nearMisses.push({
          kind: 'plate-other-country',
          messageId: near.messageId,
          mustNotLinkTo: pair,
        });
        break;
      }
    }
  }

  // One agency repeating its own phone in two messages: never a link.
  const repeats = Math.max(1, Math.floor(options.plantedLinks / 5));
  for (let i = 0; i < repeats; i++) {
    const agency = w.pick(agencies);
    const p = phoneOf(w, NEAR);
    const earlier = draft(agency);
    const later = draft(agency);
    earlier.phones.push(writtenPhone(w, p, agency.jurisdiction));
    later.phones.push(writtenPhone(w, p, agency.jurisdiction));
    nearMisses.push({
      kind: 'same-agency-repeat',
      messageId: later.messageId,
      mustNotLinkTo: [earlier.messageId],
    });
  }

  while (drafts.length < options.messages) {
    const d = draft(w.pick(agencies));
    const r = w.rnd();
    if (r < 0.6) d.phones.push(writtenPhone(w, phoneOf(w, BACKGROUND), d.agency.jurisdiction));
    if (r > 0.3) d.documents.push(writtenDocument(w, docOf(w, BACKGROUND)));
    if (r < 0.2 || r > 0.8) d.vehicles.push(writtenPlate(w, plateOf(w, BACKGROUND)));
  }

  // Fisher-Yates, then timestamps in publication order.
  for (let i = drafts.length - 1; i > 0; i--) {
    const j = Math.floor(w.rnd() * (i + 1));
    [drafts[i], drafts[j]] = [drafts[j] as Draft, drafts[i] as Draft];
  }
  const start = Date.parse('2026-11-01T00:00:00.000Z');
  const messages = drafts.map((d, i) => ({
    message: alertOf(d, new Date(start + i * 1000).toISOString()),
    jurisdiction: d.agency.jurisdiction,
  }));
  return { agencies, messages, planted, nearMisses };
}
