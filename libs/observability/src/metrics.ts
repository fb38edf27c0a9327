/** Prometheus metrics: one registry per process with default Node metrics. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class HubMetrics {
  readonly registry = new Registry();

  constructor(app: string) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry });
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter<string> {
    return new Counter({ name, help, labelNames: [...labelNames], registers: [this.registry] });
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge<string> {
    return new Gauge({ name, help, labelNames: [...labelNames], registers: [this.registry] });
  }

  /** A gauge read at scrape time (open streams, ages): never stale, nothing to keep in step. */
  sampledGauge(name: string, help: string, read: () => number | undefined): Gauge<string> {
    return new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        const value = read();
        if (value === undefined) this.reset();
        else this.set(value);
      },
    });
  }

  histogram(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    buckets?: number[],
  ): Histogram<string> {
    return new Histogram({
      name,
      help,
      labelNames: [...labelNames],
      registers: [this.registry],
      ...(buckets ? { buckets } : {}),
    });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
