/**
 * The one place kafkajs clients are built. Apps ask for a client with a role
 * name; brokers, client id and logging come from the validated config.
 */
import { Kafka, logLevel, type LogEntry } from 'kafkajs';

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Receives kafkajs log entries; defaults to dropping below WARN. */
  readonly log?: (
    level: 'debug' | 'info' | 'warn' | 'error',
    message: string,
    extra: object,
  ) => void;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

function levelName(level: logLevel): 'debug' | 'info' | 'warn' | 'error' {
  switch (level) {
    case logLevel.ERROR:
    case logLevel.NOTHING:
      return 'error';
    case logLevel.WARN:
      return 'warn';
    case logLevel.INFO:
      return 'info';
    case logLevel.DEBUG:
      return 'debug';
  }
}

// The default partitioner is the Java-compatible one; its change notice is noise here.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export function createKafkaClient(options: KafkaClientOptions, role: string): Kafka {
  const sink = options.log;
  return new Kafka({
    brokers: [...options.brokers],
    clientId: `${options.clientId}-${role}`,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5000 },
    // KAFKAJS_LOG_LEVEL=info|debug helps diagnose group joins; WARN otherwise.
    logLevel:
      process.env.KAFKAJS_LOG_LEVEL === 'debug'
        ? logLevel.DEBUG
        : process.env.KAFKAJS_LOG_LEVEL === 'info'
          ? logLevel.INFO
          : logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        if (sink) sink(levelName(level), String(message), extra);
      },
  });
}

/**
 * The client part of a @nestjs/microservices Kafka transport's options: the
 * transport builds its own kafkajs client, with our brokers and WARN logging.
 */
export function microserviceClientOptions(
  options: KafkaClientOptions,
  role: string,
): { clientId: string; brokers: string[]; logLevel: logLevel } {
  return {
    clientId: `${options.clientId}-${role}`,
    brokers: [...options.brokers],
    logLevel: logLevel.WARN,
  };
}
