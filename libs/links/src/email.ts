/**
 * E-mail addresses: the domain is case-folded and converted to its ASCII (IDNA)
 * form; the local part is kept exactly as written. Providers differ on case, dots
 * and `+tags` in local parts, so folding them could link two different mailboxes;
 * a missed link is the lesser harm.
 */
import { domainToASCII } from 'node:url';
import { canonical, skip, type Canonical } from './selector';

/** RFC 5322 dot-atom local part (quoted local parts are refused, not guessed at). */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function canonicalEmail(raw: string): Canonical {
  const text = raw.trim().replace(/^mailto:/i, '');
  if (text.length === 0) return skip('empty');
  const at = text.lastIndexOf('@');
  if (at <= 0 || text.length > 254) return skip('invalid-email');
  const local = text.slice(0, at);
  const domain = domainToASCII(text.slice(at + 1).toLowerCase());
  if (local.length > 64 || !LOCAL_PART.test(local)) return skip('invalid-email');
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) {
    return skip('invalid-email');
  }
  if (!/[a-z]/.test(labels[labels.length - 1] as string)) return skip('invalid-email');
  return canonical(`${local}@${domain}`);
}
