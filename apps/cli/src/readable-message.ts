/**
 * A verified message's claims as a reader wants them: headline, urgency, case,
 * subjects, route, vehicles and the rest, as labelled text. Pure: the CLI prints
 * it (`liaison show`, `verify`, feed lines) and the workspace renders the same
 * structure as HTML. Claims are untrusted content: values are only ever turned
 * into strings here, never interpreted; escaping is the renderer's job.
 */

export interface ReadableField {
  readonly label: string;
  readonly value: string;
}

export interface ReadableSection {
  readonly title: string;
  readonly fields: readonly ReadableField[];
}

export interface ReadableMessage {
  readonly messageType: string;
  /** The alert's headline or the case notice's title; absent when withheld. */
  readonly headline: string | null;
  readonly urgency: string | null;
  readonly caseRef: string | null;
  readonly tlp: string | null;
  readonly issuedAt: string | null;
  readonly sections: readonly ReadableSection[];
}

type Json = unknown;

function own(value: Json, key: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.prototype.hasOwnProperty.call(value, key)
    ? (value as Record<string, Json>)[key]
    : undefined;
}

function text(value: Json): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(text).filter((v): v is string => v !== null);
    return parts.length > 0 ? parts.join(', ') : null;
  }
  return null;
}

function keysOf(value: Json): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.keys(value);
}

/** The non-empty parts, joined. */
function joined(parts: readonly (string | null | undefined)[], separator = ' '): string | null {
  const kept = parts.filter((p): p is string => typeof p === 'string' && p.length > 0);
  return kept.length > 0 ? kept.join(separator) : null;
}

function field(label: string, value: string | null): ReadableField[] {
  return value === null ? [] : [{ label, value }];
}

/** Any JSON as labelled lines: `a.b: value`, arrays by index; empty values left out. */
function flatten(label: string, value: Json, out: ReadableField[]): void {
  if (Array.isArray(value) && value.some((v) => typeof v === 'object' && v !== null)) {
    value.forEach((v, i) => flatten(`${label}[${i}]`, v, out));
    return;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const key of keysOf(value)) flatten(`${label}.${key}`, own(value, key), out);
    return;
  }
  out.push(...field(label, text(value)));
}

function place(location: Json): string | null {
  const where = joined([
    text(own(location, 'place')),
    text(own(location, 'country')) ? `(${String(text(own(location, 'country')))})` : null,
  ]);
  return where;
}

function subjectSection(subject: Json, index: number): ReadableSection {
  const identity = own(subject, 'identity');
  const minor = own(subject, 'minor') === true ? 'minor' : null;
  const role = text(own(subject, 'role')) ?? 'SUBJECT';
  const documents = Array.isArray(own(identity, 'documents'))
    ? (own(identity, 'documents') as Json[]).map((d) =>
        joined([
          text(own(d, 'documentType')),
          text(own(d, 'number')),
          text(own(d, 'issuingCountry')) ? `(${String(text(own(d, 'issuingCountry')))})` : null,
        ]),
      )
    : [];
  const handles = Array.isArray(own(identity, 'contactHandles'))
    ? (own(identity, 'contactHandles') as Json[]).map((h) =>
        joined([
          text(own(h, 'handleType')),
          text(own(h, 'value')),
          text(own(h, 'platform')) ? `(${String(text(own(h, 'platform')))})` : null,
        ]),
      )
    : [];
  const lastSeen = own(subject, 'lastSeen');
  return {
    title: `Subject ${index + 1}: ${joined([role, minor], ', ')}`,
    fields: [
      ...field('name', text(own(identity, 'fullName'))),
      ...field('aliases', text(own(identity, 'aliases'))),
      ...field('born', text(own(identity, 'dateOfBirth'))),
      ...field('nationality', text(own(identity, 'nationality'))),
      ...field('sex', text(own(identity, 'sex'))),
      ...field('documents', joined(documents, '; ')),
      ...field('contact', joined(handles, '; ')),
      ...field('description', text(own(subject, 'description'))),
      ...field(
        'last seen',
        joined(
          [place(lastSeen), text(own(lastSeen, 'observedAt')), text(own(lastSeen, 'note'))],
          ', ',
        ),
      ),
    ],
  };
}

function routeLeg(leg: Json): string {
  return (
    joined(
      [
        place(own(leg, 'origin')) ?? '?',
        '→',
        place(own(leg, 'destination')) ?? '?',
        text(own(leg, 'mode')) ? `by ${String(text(own(leg, 'mode')))}` : null,
        text(own(leg, 'borderCrossing')) ? `via ${String(text(own(leg, 'borderCrossing')))}` : null,
        text(own(leg, 'departedAt')) ? `departed ${String(text(own(leg, 'departedAt')))}` : null,
        text(own(leg, 'arrivedAt')) ? `arrived ${String(text(own(leg, 'arrivedAt')))}` : null,
      ],
      ' ',
    ) ?? ''
  );
}

function vehicle(v: Json): string {
  return (
    joined([
      text(own(v, 'vehicleType')),
      text(own(v, 'plate')),
      text(own(v, 'registrationCountry'))
        ? `(${String(text(own(v, 'registrationCountry')))})`
        : null,
      text(own(v, 'make')),
      text(own(v, 'model')),
      text(own(v, 'colour')),
      text(own(v, 'vin')) ? `VIN ${String(text(own(v, 'vin')))}` : null,
    ]) ?? ''
  );
}

function listSection(title: string, items: Json, line: (item: Json) => string): ReadableSection[] {
  if (!Array.isArray(items) || items.length === 0) return [];
  return [
    {
      title,
      fields: items.map((item, i) => ({ label: String(i + 1), value: line(item) })),
    },
  ];
}

/** The SD-JWT's own claims, shown apart from the message's fields; times as ISO 8601. */
const TOKEN_FIELDS: readonly [string, string][] = [
  ['iss', 'signed by'],
  ['iat', 'signed at'],
  ['exp', 'expires'],
  ['jti', 'token id'],
  ['liaison_kind', 'kind'],
];

function tokenValue(claim: string, value: Json): string | null {
  if ((claim === 'iat' || claim === 'exp') && typeof value === 'number' && Number.isFinite(value)) {
    const at = new Date(value * 1000);
    return Number.isNaN(at.getTime()) ? String(value) : at.toISOString();
  }
  return text(value);
}

/** Claims shown in the header or in their own sections, not again under "Other fields". */
const SHOWN = new Set([
  'messageId',
  'originatorAgency',
  'messageType',
  'headline',
  'title',
  'urgency',
  'caseRef',
  'issuedAt',
  'subjects',
  'routeLegs',
  'vehicles',
  'locations',
  'narrative',
  'handling',
  'assistanceRequested',
  ...TOKEN_FIELDS.map(([claim]) => claim),
]);

export function readableMessage(claims: Readonly<Record<string, unknown>>): ReadableMessage {
  const other: ReadableField[] = [];
  for (const key of keysOf(claims)) if (!SHOWN.has(key)) flatten(key, own(claims, key), other);
  const handling = own(claims, 'handling');
  const subjects = own(claims, 'subjects');
  return {
    messageType: text(own(claims, 'messageType')) ?? 'MESSAGE',
    headline: text(own(claims, 'headline')) ?? text(own(claims, 'title')),
    urgency: text(own(claims, 'urgency')),
    caseRef: text(own(claims, 'caseRef')),
    tlp: text(own(handling, 'tlp')),
    issuedAt: text(own(claims, 'issuedAt')),
    sections: [
      ...(text(own(claims, 'narrative')) || text(own(claims, 'assistanceRequested'))
        ? [
            {
              title: 'Narrative',
              fields: [
                ...field('assistance requested', text(own(claims, 'assistanceRequested'))),
                ...field('narrative', text(own(claims, 'narrative'))),
              ],
            },
          ]
        : []),
      ...(Array.isArray(subjects) ? subjects.map(subjectSection) : []),
      ...listSection('Route', own(claims, 'routeLegs'), routeLeg),
      ...listSection('Vehicles', own(claims, 'vehicles'), vehicle),
      ...listSection('Locations', own(claims, 'locations'), (l) =>
        String(joined([place(l), text(own(l, 'observedAt')), text(own(l, 'note'))], ', ') ?? ''),
      ),
      ...(handling !== undefined
        ? [
            {
              title: 'Handling',
              fields: (() => {
                const out: ReadableField[] = [];
                for (const key of keysOf(handling)) flatten(key, own(handling, key), out);
                return out;
              })(),
            },
          ]
        : []),
      ...(other.length > 0 ? [{ title: 'Other fields', fields: other }] : []),
      ...(() => {
        const fields = TOKEN_FIELDS.flatMap(([claim, label]) =>
          field(label, tokenValue(claim, own(claims, claim))),
        );
        return fields.length > 0 ? [{ title: 'Signed token', fields }] : [];
      })(),
    ],
  };
}

/** The message as indented text lines (the CLI's rendering). */
export function readableMessageLines(message: ReadableMessage): string[] {
  const lines: string[] = [];
  for (const section of message.sections) {
    lines.push(`${section.title}`);
    for (const f of section.fields) lines.push(`  ${f.label}: ${f.value}`);
  }
  return lines;
}
