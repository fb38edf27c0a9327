import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseMessage } from '@liaison/contracts';
import { extractSelectors } from '@liaison/links';
import { linkedPair } from './demo.command';

const EXAMPLES = path.resolve(__dirname, '../../../../schemas/examples');

describe('the demo stream opens with a linked pair', () => {
  const movement = JSON.parse(
    readFileSync(path.join(EXAMPLES, 'alert-suspect-movement.json'), 'utf8'),
  ) as Record<string, unknown>;

  it('two agencies, one phone written two ways, the same canonical selector and nothing else', () => {
    const [nl, ro] = linkedPair(movement);
    expect([nl?.originatorAgency, ro?.originatorAgency]).toEqual(['nl-knp', 'ro-diicot']);
    const nlSelectors = extractSelectors(parseMessage('ALERT', nl), 'NL').selectors;
    const roSelectors = extractSelectors(parseMessage('ALERT', ro), 'RO').selectors;
    expect(nlSelectors.map((s) => `${s.kind} ${s.value}`)).toEqual(['PHONE +40721555014']);
    expect(roSelectors).toEqual(nlSelectors);
  });
});
