import { topicConfigChange } from './topic-admin';
import { FEED_TRANSIT_DAYS, feedRetentionMs, feedTopicSpec } from './topics';

const DAY_MS = 24 * 3600 * 1000;

describe('feed topic retention', () => {
  it('is the recipient retention when shorter than the transit window', () => {
    expect(feedRetentionMs(1)).toBe(String(DAY_MS));
    expect(feedRetentionMs(3)).toBe(String(3 * DAY_MS));
  });

  it('is the transit window when the recipient keeps longer', () => {
    expect(feedRetentionMs(FEED_TRANSIT_DAYS)).toBe(String(7 * DAY_MS));
    expect(feedRetentionMs(1825)).toBe(String(7 * DAY_MS));
  });

  it('refuses a retention that is not a positive whole number of days', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => feedRetentionMs(bad)).toThrow('not a retention in days');
    }
  });

  it('is declared in the feed topic spec', () => {
    const spec = feedTopicSpec('nl-knp', 2, { partitions: 3, replicationFactor: 3 });
    expect(spec.config['retention.ms']).toBe(String(2 * DAY_MS));
    expect(spec.config['min.insync.replicas']).toBe('2');
    expect(spec.partitions).toBe(1);
  });
});

describe('topicConfigChange', () => {
  it('is null when every declared setting holds', () => {
    expect(
      topicConfigChange({ 'retention.ms': '5' }, { 'retention.ms': '5', 'segment.ms': '9' }),
    ).toBeNull();
  });

  it('keeps the overrides already set beside the declared ones', () => {
    expect(
      topicConfigChange(
        { 'retention.ms': '5', 'min.insync.replicas': '2' },
        { 'retention.ms': '9', 'segment.ms': '7' },
      ),
    ).toEqual({ 'retention.ms': '5', 'min.insync.replicas': '2', 'segment.ms': '7' });
  });

  it('takes a declared retention as a ceiling: a shorter one holds, a longer or unlimited one is lowered', () => {
    const declared = { 'retention.ms': '5000' };
    expect(topicConfigChange(declared, { 'retention.ms': '4000' })).toBeNull();
    expect(topicConfigChange(declared, { 'retention.ms': '6000' })).toEqual(declared);
    expect(topicConfigChange(declared, { 'retention.ms': '-1' })).toEqual(declared);
    expect(topicConfigChange({ 'retention.ms': '-1' }, { 'retention.ms': '6000' })).toBeNull();
    // Any other setting must be equal.
    expect(
      topicConfigChange({ 'min.insync.replicas': '2' }, { 'min.insync.replicas': '1' }),
    ).toEqual({ 'min.insync.replicas': '2' });
  });

  it('sets a declared setting the topic does not override yet', () => {
    expect(topicConfigChange({ 'retention.ms': '5' }, {})).toEqual({ 'retention.ms': '5' });
  });
});
