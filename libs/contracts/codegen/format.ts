/**
 * Layout helpers that print code the way prettier (printWidth 100) would, so the
 * generated files pass `prettier --check` and the drift tests need no formatter.
 */
export const PRINT_WIDTH = 100;

export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `export const X = ['A', 'B'] as const;` on one line if it fits, else one item per line. */
export function constArray(name: string, items: readonly string[], doc: string): string {
  const quoted = items.map(quote);
  const oneLine = `export const ${name} = [${quoted.join(', ')}] as const;`;
  const body =
    oneLine.length <= PRINT_WIDTH
      ? oneLine
      : `export const ${name} = [\n${quoted.map((q) => `  ${q},`).join('\n')}\n] as const;`;
  return `${docComment(doc, '')}${body}\n`;
}

/** A type alias of a union, in prettier's three layouts. */
export function unionAlias(name: string, members: readonly string[], doc: string): string {
  const head = `export type ${name} =`;
  const joined = members.join(' | ');
  let body: string;
  if (`${head} ${joined};`.length <= PRINT_WIDTH) body = `${head} ${joined};`;
  else if (`  ${joined};`.length <= PRINT_WIDTH) body = `${head}\n  ${joined};`;
  else body = `${head}\n${members.map((m) => `  | ${m}`).join('\n')};`;
  return `${docComment(doc, '')}${body}\n`;
}

export function docComment(doc: string, indent: string): string {
  if (doc === '') return '';
  const safe = doc.replace(/\*\//g, '*\\/').replace(/\s*\n\s*/g, ' ');
  return `${indent}/** ${safe} */\n`;
}
