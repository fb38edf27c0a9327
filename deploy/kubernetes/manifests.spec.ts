/**
 * The Kubernetes manifests, read as kubectl would read them, each object
 * checked against its Kubernetes or operator CRD JSON schema (kept beside them
 * in schemas/, see schemas/README.md), and against what the hub needs of them:
 * probes and resources on every app, a disruption budget for each, workers
 * scaled no further than the partitions, Kafka's durability settings.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
/** The submissions topic as production names it (tests run under a KAFKA_NAMESPACE prefix). */
const PRODUCTION_SUBMISSIONS_TOPIC = 'hub.submissions.v1';

const DIR = __dirname;

/** apiVersion and kind → schema file. An object of any other kind is refused. */
const SCHEMAS: Readonly<Record<string, string>> = {
  'v1/ConfigMap': 'configmap-v1.json',
  'v1/Secret': 'secret-v1.json',
  'v1/Service': 'service-v1.json',
  'v1/ServiceAccount': 'serviceaccount-v1.json',
  'apps/v1/Deployment': 'deployment-apps-v1.json',
  'policy/v1/PodDisruptionBudget': 'poddisruptionbudget-policy-v1.json',
  'networking.k8s.io/v1/NetworkPolicy': 'networkpolicy-networking-v1.json',
  'kafka.strimzi.io/v1beta2/Kafka': 'kafka.strimzi.io-kafka_v1beta2.json',
  'kafka.strimzi.io/v1beta2/KafkaNodePool': 'kafka.strimzi.io-kafkanodepool_v1beta2.json',
  'postgresql.cnpg.io/v1/Cluster': 'postgresql.cnpg.io-cluster_v1.json',
  'keda.sh/v1alpha1/ScaledObject': 'keda.sh-scaledobject_v1alpha1.json',
};

interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

function manifests(): { file: string; object: K8sObject }[] {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8')).map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      return { file, object: doc.toJS() as K8sObject };
    }),
  );
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
// Kubernetes' OpenAPI formats that say how a number or string is stored.
for (const f of ['int32', 'int64', 'double', 'float', 'byte', 'int-or-string', 'quantity']) {
  ajv.addFormat(f, true);
}
const validators = new Map<string, ValidateFunction>();
function validatorFor(key: string): ValidateFunction {
  const file = SCHEMAS[key];
  if (!file) throw new Error(`no schema for ${key}`);
  let v = validators.get(file);
  if (!v) {
    v = ajv.compile(JSON.parse(readFileSync(path.join(DIR, 'schemas', file), 'utf8')) as object);
    validators.set(file, v);
  }
  return v;
}
const keyOf = (o: K8sObject): string => `${o.apiVersion}/${o.kind}`;
function problems(o: K8sObject): string[] {
  const validate = validatorFor(keyOf(o));
  return validate(o) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const all = manifests();
const ofKind = (kind: string): K8sObject[] =>
  all.map((m) => m.object).filter((o) => o.kind === kind);
/** The value at a path of fields (or list indices) in an object, undefined when absent. */
function at(value: unknown, ...fields: (string | number)[]): unknown {
  let v = value;
  for (const f of fields) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[f];
  }
  return v;
}
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const first = (kind: string): K8sObject => {
  const [o] = ofKind(kind);
  if (!o) throw new Error(`no ${kind}`);
  return o;
};
const withSpec = (o: K8sObject, change: Record<string, unknown>): K8sObject => ({
  ...o,
  spec: { ...(o.spec as object), ...change },
});

describe('Kubernetes manifests', () => {
  it.each(all.map((m) => [`${m.file} ${m.object.kind} ${m.object.metadata?.name}`, m.object]))(
    '%s validates against its schema',
    (_name, object) => {
      expect(problems(object)).toEqual([]);
    },
  );

  it('has every kind the hub needs', () => {
    const kinds = new Set(all.map((m) => m.object.kind));
    for (const k of [
      'Deployment',
      'PodDisruptionBudget',
      'NetworkPolicy',
      'Secret',
      'Kafka',
      'KafkaNodePool',
      'Cluster',
      'ScaledObject',
    ]) {
      expect(kinds).toContain(k);
    }
  });

  it('refuses an object its schema does not allow', () => {
    const deployment = first('Deployment');
    expect(problems(withSpec(deployment, { replicas: 'two', extra: 1 })).length).toBeGreaterThan(0);
    expect(
      problems(withSpec(first('KafkaNodePool'), { roles: ['leader'] })).length,
    ).toBeGreaterThan(0);
    const kafka = first('Kafka');
    const misspelt = withSpec(kafka, {
      kafka: { ...(at(kafka, 'spec', 'kafka') as object), listenrs: [] },
    });
    expect(problems(misspelt).length).toBeGreaterThan(0);
    expect(() => validatorFor('v1/Pod')).toThrow('no schema for v1/Pod');
  });

  it('gives every app probes, resources and a disruption budget', () => {
    const budgets = ofKind('PodDisruptionBudget').map((p) => at(p, 'spec', 'selector'));
    const deployments = ofKind('Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([
      'liaison-audit',
      'liaison-gateway',
      'liaison-policy',
    ]);
    for (const d of deployments) {
      expect(at(d, 'spec', 'replicas')).toBeGreaterThanOrEqual(2);
      const pod = at(d, 'spec', 'template', 'spec');
      for (const c of list(at(pod, 'containers'))) {
        expect(at(c, 'readinessProbe')).toBeDefined();
        expect(at(c, 'livenessProbe')).toBeDefined();
        expect(at(c, 'resources', 'requests', 'cpu')).toBeDefined();
        expect(at(c, 'resources', 'limits', 'memory')).toBeDefined();
      }
      expect(budgets).toContainEqual(at(d, 'spec', 'selector'));
      // The hub's keys come from the Secret, read-only.
      const secrets = list(at(pod, 'volumes')).map((v) => at(v, 'secret', 'secretName'));
      expect(secrets).toContain('liaison-hub-keys');
    }
  });

  it('scales workers on consumer lag no further than the submission partitions', () => {
    const config = ofKind('ConfigMap').find((c) => c.metadata.name === 'liaison-config');
    const partitions = Number(at(config, 'data', 'KAFKA_TOPIC_PARTITIONS'));
    const scaled = first('ScaledObject');
    expect(at(scaled, 'spec', 'scaleTargetRef', 'name')).toBe('liaison-policy');
    expect(at(scaled, 'spec', 'maxReplicaCount')).toBe(partitions);
    expect(at(scaled, 'spec', 'triggers', 0, 'type')).toBe('kafka');
    expect(at(scaled, 'spec', 'triggers', 0, 'metadata')).toMatchObject({
      // The manifests name production topics: no test namespace (KAFKA_NAMESPACE).
      topic: PRODUCTION_SUBMISSIONS_TOPIC,
      consumerGroup: 'liaison-policy',
    });
  });

  it('runs Kafka on KRaft with three replicas, min.insync.replicas 2 and no unclean election', () => {
    const kafka = first('Kafka');
    const pool = first('KafkaNodePool');
    expect(kafka.metadata).toMatchObject({
      annotations: { 'strimzi.io/kraft': 'enabled', 'strimzi.io/node-pools': 'enabled' },
    });
    expect(at(pool, 'spec', 'replicas')).toBe(3);
    expect(at(pool, 'spec', 'roles')).toEqual(['controller', 'broker']);
    expect(at(kafka, 'spec', 'kafka', 'config')).toMatchObject({
      'default.replication.factor': 3,
      'min.insync.replicas': 2,
      'unclean.leader.election.enable': false,
      'transaction.state.log.min.isr': 2,
    });
    expect(at(first('Cluster'), 'spec', 'instances')).toBe(3);
  });
});
