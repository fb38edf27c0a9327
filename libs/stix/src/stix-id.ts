/**
 * Deterministic STIX identifiers: `<type>--<UUIDv5>` (RFC 9562, SHA-1 name-based)
 * under the Liaison namespace, named from the message id (or agency id) and the
 * object's place in the message. Re-exporting a message gives every object the
 * same id, so a consumer updates instead of duplicating.
 */
import { createHash } from 'node:crypto';

/** The Liaison STIX namespace (a fixed random UUID; never change it). */
export const LIAISON_STIX_NAMESPACE = '7d1f6c2a-4b8e-4f0a-9c3d-2e5b1a6f8c40';

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

/** RFC 9562 version 5 UUID of `name` in `namespace`. */
export function uuidV5(name: string, namespace = LIAISON_STIX_NAMESPACE): string {
  const digest = createHash('sha1')
    .update(uuidBytes(namespace))
    .update(Buffer.from(name, 'utf8'))
    .digest();
  const b = digest.subarray(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x50;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `<type>--<uuidv5(name)>`. */
export function stixId(type: string, name: string): string {
  return `${type}--${uuidV5(name)}`;
}

/** The report (or grouping) that stands for one message. */
export function messageObjectId(messageId: string): string {
  return stixId('report', `message:${messageId}`);
}

/** The organisation identity of an agency. */
export function agencyIdentityId(agencyId: string): string {
  return stixId('identity', `agency:${agencyId}`);
}
