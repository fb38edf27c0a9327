/**
 * Online handles: platform plus handle. Platform names and aliases fold to one
 * name ("FB", "facebook.com" → facebook); a profile URL yields its platform and
 * handle; a leading `@` is dropped. Handles are case-folded only on platforms whose
 * user names are case-insensitive; elsewhere they are kept as written.
 */
import { canonical, skip, type Canonical } from './selector';

interface PlatformRule {
  readonly aliases: readonly string[];
  readonly hosts: readonly string[];
  readonly caseInsensitive: boolean;
}

const PLATFORMS: Readonly<Record<string, PlatformRule>> = {
  facebook: {
    aliases: ['facebook', 'fb', 'messenger', 'facebookmessenger', 'meta'],
    hosts: ['facebook.com', 'fb.com', 'm.facebook.com', 'm.me', 'messenger.com'],
    caseInsensitive: true,
  },
  instagram: {
    aliases: ['instagram', 'ig', 'insta'],
    hosts: ['instagram.com'],
    caseInsensitive: true,
  },
  telegram: {
    aliases: ['telegram', 'tg', 'tme'],
    hosts: ['t.me', 'telegram.me', 'telegram.org'],
    caseInsensitive: true,
  },
  x: {
    aliases: ['x', 'twitter', 'xcom', 'twittercom'],
    hosts: ['x.com', 'twitter.com', 'mobile.twitter.com'],
    caseInsensitive: true,
  },
  tiktok: { aliases: ['tiktok', 'tt'], hosts: ['tiktok.com'], caseInsensitive: true },
  snapchat: { aliases: ['snapchat', 'snap'], hosts: ['snapchat.com'], caseInsensitive: true },
  vk: { aliases: ['vk', 'vkontakte'], hosts: ['vk.com'], caseInsensitive: true },
  onlyfans: { aliases: ['onlyfans', 'of'], hosts: ['onlyfans.com'], caseInsensitive: true },
  skype: { aliases: ['skype'], hosts: [], caseInsensitive: true },
  line: { aliases: ['line', 'lineapp'], hosts: ['line.me'], caseInsensitive: false },
  wechat: { aliases: ['wechat', 'weixin'], hosts: [], caseInsensitive: false },
  signal: { aliases: ['signal'], hosts: ['signal.me'], caseInsensitive: false },
  discord: { aliases: ['discord'], hosts: ['discord.com'], caseInsensitive: true },
};

/** Platforms whose accounts are phone numbers: a handle there is a PHONE selector. */
export const PHONE_PLATFORMS: ReadonlySet<string> = new Set(['whatsapp', 'viber', 'zalo']);

const ALIAS_TO_PLATFORM = new Map<string, string>();
const HOST_TO_PLATFORM = new Map<string, string>();
for (const [name, rule] of Object.entries(PLATFORMS)) {
  for (const alias of rule.aliases) ALIAS_TO_PLATFORM.set(alias, name);
  for (const host of rule.hosts) HOST_TO_PLATFORM.set(host, name);
}
for (const name of PHONE_PLATFORMS) ALIAS_TO_PLATFORM.set(name, name);
ALIAS_TO_PLATFORM.set('wa', 'whatsapp');

/** The folded platform name ("WhatsApp", "WA" → whatsapp); unknown names fold to [a-z0-9]. */
export function platformOf(raw: string): string | undefined {
  const key = raw
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[^a-z0-9]/g, '');
  if (key.length === 0) return undefined;
  return ALIAS_TO_PLATFORM.get(key) ?? HOST_TO_PLATFORM.get(raw.trim().toLowerCase()) ?? key;
}

const HANDLE = /^[\p{L}\p{N}._-]{1,64}$/u;

function fromUrl(text: string): { platform: string; handle: string } | undefined {
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return undefined;
  }
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  const platform = HOST_TO_PLATFORM.get(host);
  if (platform === undefined) return undefined;
  const first = url.pathname.split('/').find((part) => part.length > 0);
  if (first === undefined) return undefined;
  return { platform, handle: decodeURIComponent(first) };
}

/** `platform:handle`, or why not. Phone platforms are the caller's business (PHONE_PLATFORMS). */
export function canonicalHandle(raw: string, platform: string | null | undefined): Canonical {
  const text = raw.trim();
  if (text.length === 0) return skip('empty');
  const linked = /[/.]/.test(text) && /^(https?:\/\/)?[\w.-]+\.[a-z]{2,}\//i.test(text);
  const parsed = linked ? fromUrl(text) : undefined;
  const name = parsed?.platform ?? (platform == null ? undefined : platformOf(platform));
  if (name === undefined) return skip('missing-platform');
  const handle = (parsed?.handle ?? text).replace(/^@/, '').normalize('NFC');
  if (!HANDLE.test(handle)) return skip('invalid-handle');
  const folded = PLATFORMS[name]?.caseInsensitive === true ? handle.toLowerCase() : handle;
  return canonical(`${name}:${folded}`);
}
