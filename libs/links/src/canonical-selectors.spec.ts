import {
  canonicalDocument,
  canonicalEmail,
  canonicalHandle,
  canonicalIban,
  canonicalPersonKey,
  canonicalPhone,
  canonicalPlate,
  canonicalVin,
  canonicalWallet,
  type Canonical,
} from './index';

const ok = (value: string): Canonical => ({ ok: true, value });
const no = (reason: string): Canonical => ({ ok: false, reason }) as Canonical;

describe('phones to E.164, the message country as default region', () => {
  it.each([
    ['+40 721 555 014', 'RO', '+40721555014'],
    ['0040721555014', 'RO', '+40721555014'],
    ['001 40 721 555 014', 'TH', '+40721555014'],
    ['0721 555 014', 'RO', '+40721555014'],
    ['(0721) 555.014', 'RO', '+40721555014'],
    ['tel:+40-721-555-014', 'DE', '+40721555014'],
    ['06 12 34 56 78', 'NL', '+31612345678'],
    ['+31 (0)6 1234 5678', 'FR', '+31612345678'],
    ['0151 23456789', 'DE', '+4915123456789'],
    ['07911 123456', 'GB', '+447911123456'],
    ['081 234 5678', 'TH', '+66812345678'],
    ['0917 123 4567', 'PH', '+639171234567'],
    ['0912 345 678', 'VN', '+84912345678'],
    ['06 55 50 12 34', 'FR', '+33655501234'],
  ] as const)('%s read in %s is %s', (raw, region, e164) => {
    expect(canonicalPhone(raw, region)).toEqual(ok(e164));
  });

  it.each([
    ['+40 721 555 01', 'RO', 'invalid-phone'],
    ['0721 555 014', undefined, 'invalid-phone'],
    ['call me', 'RO', 'invalid-phone'],
    ['   ', 'RO', 'empty'],
    ['0'.repeat(65), 'RO', 'invalid-phone'],
  ] as const)('%s read in %s is skipped (%s)', (raw, region, reason) => {
    expect(canonicalPhone(raw, region)).toEqual(no(reason));
  });

  it('the region does not change an international number', () => {
    expect(canonicalPhone('+420 603 111 222', 'RO')).toEqual(canonicalPhone('+420603111222', 'TH'));
  });
});

describe('identity documents: issuing country + number', () => {
  it.each([
    ['44718203', 'CZ', 'CZ:44718203'],
    ['44 718 203', 'cz', 'CZ:44718203'],
    ['c01x00t47', 'DE', 'DE:C01X00T47'],
    ['RO-051234567', 'RO', 'RO:RO051234567'],
    ['NX1234567', 'NL', 'NL:NX1234567'],
    ['533401372', 'UK', 'GB:533401372'],
    ['ＡＢ１２３４５６', 'FR', 'FR:AB123456'],
  ])('%s from %s is %s', (number, country, value) => {
    expect(canonicalDocument(number, country)).toEqual(ok(value));
  });

  it.each([
    ['44718203', '', 'missing-country'],
    ['44718203', 'XX', 'unknown-country'],
    ['ABCDEF', 'DE', 'invalid-document-number'],
    ['1234', 'DE', 'invalid-document-number'],
    ['P<123456', 'DE', 'invalid-document-number'],
    [' - ', 'DE', 'empty'],
  ])('%s from %s is skipped (%s)', (number, country, reason) => {
    expect(canonicalDocument(number, country)).toEqual(no(reason));
  });

  it('keeps O and 0 apart: look-alikes are different documents', () => {
    expect(canonicalDocument('AO123456', 'DE')).not.toEqual(canonicalDocument('A0123456', 'DE'));
  });
});

describe('plates: country + plate', () => {
  it.each([
    ['B 123 ABC', 'RO', 'RO:B123ABC'],
    ['b-123-abc', 'RO', 'RO:B123ABC'],
    ['M-AB 1234', 'D', 'DE:MAB1234'],
    ['M AB 1234', 'DE', 'DE:MAB1234'],
    ['12-ABC-3', 'NL', 'NL:12ABC3'],
    ['AA 1234 ВК', 'UA', 'UA:AA1234BK'],
    ['АА1234ВК', 'UA', 'UA:AA1234BK'],
    ['AB-123-CD', 'F', 'FR:AB123CD'],
    ['WA 12345', 'PL', 'PL:WA12345'],
    ['AB12 CDE', 'UK', 'GB:AB12CDE'],
  ])('%s registered in %s is %s', (plate, country, value) => {
    expect(canonicalPlate(plate, country)).toEqual(ok(value));
  });

  it('the same characters in two countries are two vehicles', () => {
    expect(canonicalPlate('B 123 ABC', 'RO')).not.toEqual(canonicalPlate('B 123 ABC', 'BG'));
  });

  it.each([
    ['B 123 ABC', null, 'missing-country'],
    ['B 123 ABC', 'ZZZ', 'unknown-country'],
    ['B 123 ABC !', 'RO', 'invalid-plate'],
    ['X', 'RO', 'invalid-plate'],
    [' ', 'RO', 'empty'],
  ])('%s registered in %s is skipped (%s)', (plate, country, reason) => {
    expect(canonicalPlate(plate, country)).toEqual(no(reason));
  });
});

describe('VINs', () => {
  it.each([
    ['1M8GDM9AXKP042788', '1M8GDM9AXKP042788'],
    ['1m8gdm9a xkp042788', '1M8GDM9AXKP042788'],
    ['WVWZZZ1JZXW000001', 'WVWZZZ1JZXW000001'],
    ['VF1RFB00X5X123456', 'VF1RFB00X5X123456'],
  ])('%s is %s', (raw, value) => {
    expect(canonicalVin(raw)).toEqual(ok(value));
  });

  it.each([
    ['1M8GDM9A1KP042788', 'vin-check-digit'],
    ['1M8GDM9AXKP04278', 'invalid-vin'],
    ['WVWZZZ1JZXW00000I', 'invalid-vin'],
    ['', 'empty'],
  ])('%s is skipped (%s)', (raw, reason) => {
    expect(canonicalVin(raw)).toEqual(no(reason));
  });
});

describe('IBANs', () => {
  it.each([
    ['FR76 3000 6000 0112 3456 7890 189', 'FR7630006000011234567890189'],
    ['ro49 aaaa 1b31 0075 9384 0000', 'RO49AAAA1B31007593840000'],
    ['IBAN: DE89-3704-0044-0532-0130-00', 'DE89370400440532013000'],
    ['NL91ABNA0417164300', 'NL91ABNA0417164300'],
  ])('%s is %s', (raw, value) => {
    expect(canonicalIban(raw)).toEqual(ok(value));
  });

  it.each([
    ['RO49AAAA1B31007593840001', 'invalid-iban'],
    ['DE89 3704 0044 0532 0130', 'invalid-iban'],
    [' ', 'empty'],
  ])('%s is skipped (%s)', (raw, reason) => {
    expect(canonicalIban(raw)).toEqual(no(reason));
  });
});

describe('e-mail addresses', () => {
  it.each([
    ['Ana.Pop@GMAIL.com', 'Ana.Pop@gmail.com'],
    ['mailto:jobs@Work-Abroad.example.NL', 'jobs@work-abroad.example.nl'],
    ['x@bücher.de', 'x@xn--bcher-kva.de'],
    ['recruit+ro@mail.example.org', 'recruit+ro@mail.example.org'],
  ])('%s is %s', (raw, value) => {
    expect(canonicalEmail(raw)).toEqual(ok(value));
  });

  it('keeps the local part as written: case and dots may matter to the provider', () => {
    expect(canonicalEmail('ana.pop@gmail.com')).not.toEqual(canonicalEmail('anapop@gmail.com'));
    expect(canonicalEmail('Ana@gmail.com')).not.toEqual(canonicalEmail('ana@gmail.com'));
  });

  it.each([
    ['no-at-sign.example.org'],
    ['@example.org'],
    ['a@localhost'],
    ['"quoted"@example.org'],
    ['a@-bad-.org'],
    ['a@1.2.3.4'],
  ])('%s is skipped', (raw) => {
    expect(canonicalEmail(raw)).toEqual(no('invalid-email'));
  });
});

describe('online handles: platform + handle', () => {
  it.each([
    ['@flo_transport', 'Telegram', 'telegram:flo_transport'],
    ['Flo_Transport', 'TG', 'telegram:flo_transport'],
    ['https://t.me/Flo_Transport', null, 'telegram:flo_transport'],
    ['t.me/flo_transport/', 'Telegram', 'telegram:flo_transport'],
    ['https://www.facebook.com/ana.pop.77/', 'FB', 'facebook:ana.pop.77'],
    ['ana.pop.77', 'Facebook Messenger', 'facebook:ana.pop.77'],
    ['@JobsAbroad', 'Twitter', 'x:jobsabroad'],
    ['https://x.com/jobsabroad', null, 'x:jobsabroad'],
    ['Mai_Linh', 'LINE', 'line:Mai_Linh'],
    ['model.scout', 'Some Forum', 'someforum:model.scout'],
  ])('%s on %s is %s', (raw, platform, value) => {
    expect(canonicalHandle(raw, platform)).toEqual(ok(value));
  });

  it('a handle on an unknown platform keeps its case', () => {
    expect(canonicalHandle('Scout', 'forum')).not.toEqual(canonicalHandle('scout', 'forum'));
  });

  it.each([
    ['flo_transport', null, 'missing-platform'],
    ['flo transport', 'Telegram', 'invalid-handle'],
    ['', 'Telegram', 'empty'],
  ])('%s on %s is skipped (%s)', (raw, platform, reason) => {
    expect(canonicalHandle(raw, platform)).toEqual(no(reason));
  });
});

describe('crypto wallets, per chain', () => {
  it.each([
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'BTC', 'BTC:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'],
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', null, 'BTC:3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'],
    [
      'BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ',
      'Bitcoin',
      'BTC:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
    ],
    [
      'bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297',
      null,
      'BTC:bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297',
    ],
    [
      'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t',
      'USDT (TRC20)',
      'TRON:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t',
    ],
    [
      '0x52908400098527886E0F7030069857D2E4169EE7',
      'ETH',
      'EVM:0x52908400098527886e0f7030069857d2e4169ee7',
    ],
    [
      '0x52908400098527886e0f7030069857d2e4169ee7',
      'BSC',
      'EVM:0x52908400098527886e0f7030069857d2e4169ee7',
    ],
    ['LaMT348PWRnrqeeWArpwQPbuanpXDZGEUz', 'Litecoin', 'LTC:LaMT348PWRnrqeeWArpwQPbuanpXDZGEUz'],
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'Coinbase', 'BTC:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'],
    [
      '0x52908400098527886e0f7030069857d2e4169ee7',
      'Base',
      'EVM:0x52908400098527886e0f7030069857d2e4169ee7',
    ],
  ])('%s on %s is %s', (raw, chain, value) => {
    expect(canonicalWallet(raw, chain)).toEqual(ok(value));
  });

  it('base58 is case-sensitive: a case change breaks the checksum', () => {
    expect(canonicalWallet('1a1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'BTC')).toEqual(
      no('wallet-checksum'),
    );
  });

  it.each([
    ['bc1qexampleexampleexampleexample0a9z', 'BTC', 'wallet-checksum'],
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mDQ', 'BTC', 'wallet-checksum'],
    ['0x52908400098527886E0F7030069857D2E4169EE', 'ETH', 'invalid-wallet'],
    ['4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx', 'Monero', 'unknown-chain'],
    [' ', 'BTC', 'empty'],
  ])('%s on %s is skipped (%s)', (raw, chain, reason) => {
    expect(canonicalWallet(raw, chain)).toEqual(no(reason));
  });
});

describe('person key: folded name + full date of birth', () => {
  it.each([
    ['Nguyễn Văn An', 'NGUYEN VAN AN'],
    ['Ștefan Popescu', 'POPESCU Stefan'],
    ['Łukasz Wiśniewski', 'lukasz wisniewski'],
    ['Jürgen Müller-Lüdenscheidt', 'Jurgen Muller Ludenscheidt'],
    ['Дмитрий Иванов', 'Dmitriy Ivanov'],
  ])('%s and %s are one key', (a, b) => {
    expect(canonicalPersonKey(a, '1990-02-28')).toEqual(canonicalPersonKey(b, '1990-02-28'));
    expect(canonicalPersonKey(a, '1990-02-28').ok).toBe(true);
  });

  it('another date of birth is another key', () => {
    expect(canonicalPersonKey('Ana Pop', '1990-02-28')).not.toEqual(
      canonicalPersonKey('Ana Pop', '1990-03-28'),
    );
  });

  it.each([
    ['Ana Pop', '1990', 'partial-date-of-birth'],
    ['Ana Pop', '1990-02', 'partial-date-of-birth'],
    ['Ana Pop', '1990-02-30', 'partial-date-of-birth'],
    ['Ana Pop', null, 'partial-date-of-birth'],
    ['Madonna', '1990-02-28', 'missing-name'],
    [null, '1990-02-28', 'missing-name'],
  ])('%s born %s is skipped (%s)', (name, dob, reason) => {
    expect(canonicalPersonKey(name, dob)).toEqual(no(reason));
  });
});
