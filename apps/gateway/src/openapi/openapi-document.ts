/**
 * The gateway's OpenAPI 3.1 document: what @nestjs/swagger reads off the
 * controllers and their DTOs, then completed from the routes' own access
 * metadata (the same the guard enforces), so it cannot drift from them:
 * - public routes carry no security, every other route the bearer scheme,
 *   its roles, and the 401 and 403 refusals;
 * - audit reads carry the X-Justification header;
 * - a route with input answers 400 with the reason, one with a path parameter 404,
 *   each in the one error shape (ErrorResponseDto);
 * - the Avro contracts the API carries as JSON (feed entries, custodial
 *   message bodies) as component schemas derived from schemas/*.avsc.
 */
import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_ROUTE } from '@liaison/runtime';
import { AUDIT_READ, ROUTE_ROLES } from '../auth/roles.decorator';
import { ErrorResponseDto } from '../http/error-response.dto';
import { OPENAPI_BODY_BY_MEDIA_TYPE, type MediaTypeBody } from './api-body-by-media-type';
import { avroJsonSchemas } from './avro-json-schemas';

export const BEARER_SCHEME = 'bearer';
/** The header every audit read carries (statements/audit-justification.ts). */
const JUSTIFICATION_HEADER = {
  name: 'X-Justification',
  in: 'header',
  required: false,
  description:
    "The officer's signed audit.read statement (compact JWS) for this method and URL: `liaison justify`. " +
    'Required with an officer token; a console session carries its own justification instead.',
  schema: { type: 'string' },
};

type Operation = {
  operationId?: string;
  description?: string;
  parameters?: ({ name?: string; in?: string } | { $ref: string })[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  security?: Record<string, string[]>[];
  'x-liaison-roles'?: readonly string[];
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

const errorResponse = (description: string) => ({
  description,
  content: {
    'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } },
  },
});

function operationsOf(document: OpenAPIObject): Map<string, Operation> {
  const byId = new Map<string, Operation>();
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (op?.operationId) byId.set(op.operationId, op);
    }
  }
  return byId;
}

function controllersOf(app: INestApplication): Type[] {
  const out: Type[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      if (wrapper.metatype) out.push(wrapper.metatype as Type);
    }
  }
  return out;
}

function metadataOf<T>(key: string, handler: object, controller: Type): T | undefined {
  return (Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller)) as
    T | undefined;
}

function hasHeader(op: Operation, name: string): boolean {
  return (op.parameters ?? []).some(
    (p) => 'name' in p && p.in === 'header' && p.name?.toLowerCase() === name.toLowerCase(),
  );
}

function addResponse(op: Operation, status: string, description: string): void {
  op.responses[status] ??= errorResponse(description);
}

/** Security, roles, the justification header and the refusals, from the route metadata. */
function describeAccess(document: OpenAPIObject, controllers: readonly Type[]): void {
  const operations = operationsOf(document);
  for (const controller of controllers) {
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const op = operations.get(`${controller.name}_${name}`);
      if (op === undefined) continue;
      const isPublic = metadataOf<boolean>(PUBLIC_ROUTE, handler, controller) === true;
      const roles = metadataOf<readonly string[]>(ROUTE_ROLES, handler, controller) ?? [];
      const auditRead = metadataOf<boolean>(AUDIT_READ, handler, controller) === true;
      const body = Reflect.getMetadata(OPENAPI_BODY_BY_MEDIA_TYPE, handler) as
        { description: string; content: Record<string, MediaTypeBody> } | undefined;
      if (body) op.requestBody = { required: true, ...body };
      if (isPublic) {
        op.security = [];
      } else {
        op.security = [{ [BEARER_SCHEME]: [] }];
        op['x-liaison-roles'] = [...roles];
        const line = `Roles: ${roles.map((r) => `\`${r}\``).join(', ')}.`;
        op.description = op.description ? `${op.description}\n\n${line}` : line;
        addResponse(op, '401', 'No valid token: missing, expired, replayed or unknown key');
        addResponse(op, '403', "Refused: the token's roles or agency may not do this");
      }
      if (auditRead) {
        op.parameters = op.parameters ?? [];
        if (!hasHeader(op, JUSTIFICATION_HEADER.name))
          op.parameters.push({ ...JUSTIFICATION_HEADER });
        op.description = `${op.description ?? ''}\n\nAn audit read: recorded in the law-enforcement log with the signed justification.`;
        addResponse(op, '400', 'The request or its justification refused, with the reason');
      }
      const params = op.parameters ?? [];
      // A parameter declared without a type is text, as everything in a URL or header is.
      for (const p of params)
        if (!('$ref' in p) && !('schema' in p) && !('content' in p))
          Object.assign(p, { schema: { type: 'string' } });
      if (params.length > 0 || op.requestBody !== undefined)
        addResponse(op, '400', 'The request refused, with the reason');
      if (params.some((p) => 'in' in p && p.in === 'path'))
        addResponse(op, '404', 'No such resource (or not yours: the same answer)');
    }
  }
}

/** The operation groups, in the order a reader meets them. */
const TAGS: Readonly<Record<string, string>> = {
  publish: 'Publish alerts and case notices; follow what became of them',
  feed: "Your agency's feed: deliveries, link notices, case clock notices",
  cases: 'Cases you take part in or are invited to, with their legal clocks',
  links: 'Hit/no-hit link queries and their quotas',
  policy: "Dry-runs, drafts and four-eyes approval of your jurisdiction's policy",
  directory: 'Agencies, groups, public keys; agency and officer administration',
  audit: 'The share ledger, its proofs, refusals and officer statements (audit reads)',
  console: 'Console sessions for officers',
};

function describeTags(document: OpenAPIObject): void {
  const used = new Set<string>();
  for (const item of Object.values(document.paths))
    for (const method of METHODS)
      for (const tag of (item as Record<string, { tags?: string[] } | undefined>)[method]?.tags ??
        [])
        used.add(tag);
  const known = Object.keys(TAGS).filter((t) => used.has(t));
  const others = [...used].filter((t) => !(t in TAGS)).sort();
  document.tags = [
    ...known.map((name) => ({ name, description: TAGS[name] ?? name })),
    ...others.map((name) => ({ name, description: `The ${name} operations` })),
  ];
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Liaison hub API')
      .setDescription(
        'Publish alerts and case notices, read your feed, verify, audit. Every refusal is a 4xx ' +
          'with the one error shape (ErrorResponseDto) naming its reason. Tokens and a typed ' +
          'client: docs/integration.md.',
      )
      .setVersion('1')
      .setOpenAPIVersion('3.1.0')
      .addServer('/', 'This hub')
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "An agency token (JWT signed by the agency's registered key), an officer token (signed by the officer's enrolled key) or a console session token (lsess_...); docs/integration.md, Tokens",
        },
        BEARER_SCHEME,
      )
      .build(),
    { extraModels: [ErrorResponseDto] },
  );
  const components = (document.components ??= {});
  components.schemas = {
    ...avroJsonSchemas([
      { name: 'Delivery', mode: 'decoded' },
      { name: 'LinkNotice', mode: 'decoded' },
      { name: 'CaseClockNotice', mode: 'decoded' },
      { name: 'OnwardConsentNotice', mode: 'decoded' },
      { name: 'Alert', mode: 'json-form' },
      { name: 'CaseNotice', mode: 'json-form' },
    ]),
    ...components.schemas,
  };
  describeAccess(document, controllersOf(app));
  describeTags(document);
  return document;
}
