import { metricValue, sliceProfile, type MetricSample } from './processes';

const sample = (at: number, fields: Partial<MetricSample>): MetricSample => ({
  at,
  cpuSeconds: 0,
  rssBytes: 0,
  heapTotalBytes: 0,
  heapUsedBytes: 0,
  externalBytes: 0,
  processed: 0,
  slices: 0,
  transformSeconds: 0,
  commitSeconds: 0,
  replayCheckSeconds: 0,
  waitSeconds: 0,
  produceSeconds: 0,
  offsetsSeconds: 0,
  endSeconds: 0,
  ...fields,
});

describe('metricValue', () => {
  const text = [
    '# HELP liaison_slice_transform_seconds Transform',
    'liaison_slice_transform_seconds_bucket{le="0.01",app="policy"} 3',
    'liaison_slice_transform_seconds_sum{app="policy"} 0.25',
    'liaison_slice_transform_seconds_count{app="policy"} 4',
    'liaison_dead_letters_total{reason="a",app="policy"} 2',
    'liaison_dead_letters_total{reason="b",app="policy"} 3',
  ].join('\n');

  it('reads one series by its exact name, not a longer name it prefixes', () => {
    expect(metricValue(text, 'liaison_slice_transform_seconds_sum')).toBe(0.25);
    expect(metricValue(text, 'liaison_slice_transform_seconds')).toBeNaN();
  });

  it('sums every labelled series of a family', () => {
    expect(metricValue(text, 'liaison_dead_letters_total')).toBe(5);
  });
});

describe('sliceProfile', () => {
  it('gives the slices between the first and last scrape, and their means', () => {
    const profile = sliceProfile([
      sample(0, { slices: 10, processed: 100, transformSeconds: 1, commitSeconds: 2 }),
      sample(1, { slices: 12, processed: 130 }),
      sample(2, {
        slices: 14,
        processed: 140,
        transformSeconds: 1.2,
        commitSeconds: 2.4,
        replayCheckSeconds: 0.04,
        waitSeconds: 0.12,
        produceSeconds: 0.2,
        offsetsSeconds: 0.08,
        endSeconds: 0.04,
      }),
    ]);
    expect(profile?.slices).toBe(4);
    expect(profile?.submissionsPerSlice).toBe(10);
    expect(profile?.transformMs).toBeCloseTo(50);
    expect(profile?.commitMs).toBeCloseTo(100);
    expect(profile?.replayCheckMs).toBeCloseTo(10);
    expect(profile?.waitMs).toBeCloseTo(30);
    expect([profile?.produceMs, profile?.offsetsMs, profile?.endMs]).toEqual([
      expect.closeTo(50),
      expect.closeTo(20),
      expect.closeTo(10),
    ]);
  });

  it('has nothing to say without a committed slice', () => {
    expect(sliceProfile([])).toBeUndefined();
    expect(sliceProfile([sample(0, { slices: 3 }), sample(1, { slices: 3 })])).toBeUndefined();
  });
});
