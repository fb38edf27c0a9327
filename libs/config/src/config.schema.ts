/**
 * The hub's configuration, read from the environment once at boot and validated
 * as a whole: every missing or malformed variable is reported in one error.
 */
import { DEFAULT_MAX_MESSAGE_LIFETIME_SEC } from '@liaison/crypto';
import { DomainError } from '@liaison/errors';

export interface HubConfig {
  readonly env: 'development' | 'test' | 'production';
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly topicPartitions: number;
    readonly replicationFactor: number;
  };
  readonly database: { readonly url: string; readonly poolSize: number };
  readonly gateway: {
    readonly port: number;
    readonly host: string;
    readonly maxBodyBytes: number;
    readonly rateLimitPerMinute: number;
    /** A request (headers and body) must have arrived within this; headers within min(10 s, it). */
    readonly requestTimeoutMs: number;
    /** Open SSE feed streams one agency may hold at once; beyond it 429. */
    readonly maxStreamsPerAgency: number;
    /** Refusals logged one entry each per agency per window; the rest are counted. */
    readonly refusalLogLimit: number;
    readonly refusalLogWindowMs: number;
    /** A granted onward release Kafka did not take is sent again this often. */
    readonly releaseRetryMs: number;
    /** Hit/no-hit link queries admitted per agency and per officer, each in its own window. */
    readonly linkQueries: {
      readonly agency: { readonly limit: number; readonly windowMs: number };
      readonly officer: { readonly limit: number; readonly windowMs: number };
    };
  };
  readonly policy: { readonly metricsPort: number; readonly workerId: string };
  readonly audit: {
    readonly metricsPort: number;
    readonly checkpointIntervalMs: number;
    /** How often the open cases' legal clocks are checked for notices owed. */
    readonly caseClockIntervalMs: number;
    readonly purgeIntervalMs: number;
  };
  readonly hubKeysDir: string;
  readonly hubAudience: string;
  readonly clockSkewSeconds: number;
  /** Longest lifetime (exp - iat) a message may claim; longer ones are refused. */
  readonly messageMaxLifetimeSeconds: number;
}

type Env = Readonly<Record<string, string | undefined>>;

class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback?: string): string {
    const raw = this.env[name];
    if (raw === undefined || raw === '') {
      if (fallback === undefined) {
        this.problems.push(`${name} is required`);
        return '';
      }
      return fallback;
    }
    return raw;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  }

  brokers(name: string, fallback: string): string[] {
    const list = this.string(name, fallback)
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b.length > 0);
    for (const broker of list) {
      if (!/^[A-Za-z0-9.\-_]+:\d{1,5}$/.test(broker)) {
        this.problems.push(`${name} entry "${broker}" is not host:port`);
      }
    }
    if (list.length === 0) this.problems.push(`${name} must list at least one host:port`);
    return list;
  }

  url(name: string, fallback: string, protocols: readonly string[]): string {
    const raw = this.string(name, fallback);
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
      }
    } catch {
      this.problems.push(`${name} is not a URL`);
    }
    return raw;
  }
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/liaison';
export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:19092';

export function loadConfig(env: Env = process.env): HubConfig {
  const r = new EnvReader(env);
  const config: HubConfig = {
    env: r.oneOf('NODE_ENV', ['development', 'test', 'production'] as const, 'development'),
    logLevel: r.oneOf(
      'LOG_LEVEL',
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const,
      'info',
    ),
    kafka: {
      brokers: r.brokers('KAFKA_BROKERS', DEFAULT_KAFKA_BROKERS),
      clientId: r.string('KAFKA_CLIENT_ID', 'liaison'),
      topicPartitions: r.int('KAFKA_TOPIC_PARTITIONS', 4, 1, 1024),
      replicationFactor: r.int('KAFKA_REPLICATION_FACTOR', 1, 1, 7),
    },
    database: {
      url: r.url('DATABASE_URL', DEFAULT_DATABASE_URL, ['postgres:', 'postgresql:']),
      poolSize: r.int('DATABASE_POOL_SIZE', 10, 1, 200),
    },
    gateway: {
      port: r.int('GATEWAY_PORT', 8080, 0, 65535),
      host: r.string('GATEWAY_HOST', '127.0.0.1'),
      maxBodyBytes: r.int('GATEWAY_MAX_BODY_BYTES', 256 * 1024, 1024, 16 * 1024 * 1024),
      rateLimitPerMinute: r.int('GATEWAY_RATE_LIMIT_PER_MINUTE', 6000, 1, 10_000_000),
      requestTimeoutMs: r.int('GATEWAY_REQUEST_TIMEOUT_MS', 15_000, 1000, 600_000),
      maxStreamsPerAgency: r.int('GATEWAY_MAX_STREAMS_PER_AGENCY', 10, 1, 10_000),
      refusalLogLimit: r.int('GATEWAY_REFUSAL_LOG_LIMIT', 60, 0, 100_000),
      refusalLogWindowMs: r.int('GATEWAY_REFUSAL_LOG_WINDOW_MS', 60_000, 1000, 3_600_000),
      releaseRetryMs: r.int('GATEWAY_RELEASE_RETRY_MS', 5000, 200, 600_000),
      linkQueries: {
        agency: {
          limit: r.int('LINK_QUERY_AGENCY_LIMIT', 200, 1, 1_000_000),
          windowMs: r.int('LINK_QUERY_AGENCY_WINDOW_MS', 86_400_000, 1000, 31 * 86_400_000),
        },
        officer: {
          limit: r.int('LINK_QUERY_OFFICER_LIMIT', 20, 1, 1_000_000),
          windowMs: r.int('LINK_QUERY_OFFICER_WINDOW_MS', 3_600_000, 1000, 31 * 86_400_000),
        },
      },
    },
    policy: {
      metricsPort: r.int('POLICY_METRICS_PORT', 9101, 0, 65535),
      workerId: r.string('POLICY_WORKER_ID', 'policy-0'),
    },
    audit: {
      metricsPort: r.int('AUDIT_METRICS_PORT', 9102, 0, 65535),
      checkpointIntervalMs: r.int('AUDIT_CHECKPOINT_INTERVAL_MS', 5000, 100, 86_400_000),
      caseClockIntervalMs: r.int('AUDIT_CASE_CLOCK_INTERVAL_MS', 60_000, 100, 86_400_000),
      purgeIntervalMs: r.int('AUDIT_PURGE_INTERVAL_MS', 60_000, 1000, 86_400_000),
    },
    hubKeysDir: r.string('HUB_KEYS_DIR', '.local/hub-keys'),
    hubAudience: r.string('HUB_AUDIENCE', 'liaison-hub'),
    clockSkewSeconds: r.int('CLOCK_SKEW_SECONDS', 60, 0, 600),
    messageMaxLifetimeSeconds: r.int(
      'MESSAGE_MAX_LIFETIME_SECONDS',
      DEFAULT_MAX_MESSAGE_LIFETIME_SEC,
      60,
      10 * 366 * 86_400,
    ),
  };
  if (r.problems.length > 0) {
    throw new DomainError(
      'config.invalid',
      `Invalid configuration:\n  - ${r.problems.join('\n  - ')}`,
      'invalid-input',
      { problems: r.problems },
    );
  }
  return config;
}
