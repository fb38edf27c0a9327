import { loadConfig } from './config.schema';

describe('loadConfig', () => {
  it('gives typed defaults for a bare environment', () => {
    const config = loadConfig({});
    expect(config.kafka.brokers).toEqual(['127.0.0.1:19092']);
    expect(config.gateway.port).toBe(8080);
    expect(config.database.url).toMatch(/^postgres:\/\//);
  });

  it('lists every problem in one error', () => {
    let message = '';
    try {
      loadConfig({
        KAFKA_BROKERS: 'not a broker',
        GATEWAY_PORT: '99999',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('KAFKA_BROKERS entry "not a broker" is not host:port');
    expect(message).toContain('GATEWAY_PORT must be an integer in [0, 65535], got "99999"');
    expect(message).toContain('DATABASE_URL must use postgres: or postgresql:');
    expect(message).toContain('LOG_LEVEL must be one of');
  });

  it('reads an existing cluster from KAFKA_BROKERS', () => {
    expect(loadConfig({ KAFKA_BROKERS: 'a:9092, b:9093' }).kafka.brokers).toEqual([
      'a:9092',
      'b:9093',
    ]);
  });

  it('reads the input limits: request timeout, streams per agency, message lifetime', () => {
    const defaults = loadConfig({});
    expect(defaults.gateway.requestTimeoutMs).toBe(15_000);
    expect(defaults.gateway.maxStreamsPerAgency).toBe(10);
    expect(defaults.messageMaxLifetimeSeconds).toBe(90 * 86_400);
    const set = loadConfig({
      GATEWAY_REQUEST_TIMEOUT_MS: '3000',
      GATEWAY_MAX_STREAMS_PER_AGENCY: '2',
      MESSAGE_MAX_LIFETIME_SECONDS: '3600',
    });
    expect([
      set.gateway.requestTimeoutMs,
      set.gateway.maxStreamsPerAgency,
      set.messageMaxLifetimeSeconds,
    ]).toEqual([3000, 2, 3600]);
    expect(() =>
      loadConfig({ GATEWAY_REQUEST_TIMEOUT_MS: '0', MESSAGE_MAX_LIFETIME_SECONDS: '1e300' }),
    ).toThrow(/GATEWAY_REQUEST_TIMEOUT_MS must be[\s\S]*MESSAGE_MAX_LIFETIME_SECONDS must be/);
  });
});
