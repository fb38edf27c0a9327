import 'reflect-metadata';
import { AuditController } from '../audit/audit.controller';
import { LinksController } from '../links/links.controller';
import { OnwardConsentController } from '../links/onward-consent.controller';
import { StatementsController } from '../statements/statements.controller';
import type { AuthContext } from './auth-context';
import { AUDIT_READ, AUDIT_READ_CHECK, type AuditReadCheck } from './roles.decorator';

/** Route handlers of a controller: the prototype's methods that Nest maps (they carry a path). */
function handlers(controller: { prototype: object }): [string, object][] {
  return Object.getOwnPropertyNames(controller.prototype)
    .filter((name) => name !== 'constructor')
    .map(
      (name) => [name, (controller.prototype as Record<string, object>)[name]] as [string, object],
    )
    .filter(([, fn]) => typeof fn === 'function' && Reflect.getMetadata('path', fn) !== undefined);
}

describe('audit reads check their request before a statement is spent', () => {
  const controllers = [AuditController, StatementsController, LinksController];

  it.each(controllers.map((c) => [c.name, c] as const))(
    '%s: every route is an audit read with a request check',
    (_name, controller) => {
      expect(Reflect.getMetadata(AUDIT_READ, controller)).toBe(true);
      const routes = handlers(controller);
      expect(routes.length).toBeGreaterThan(1);
      const unchecked = routes
        .filter(([, fn]) => typeof Reflect.getMetadata(AUDIT_READ_CHECK, fn) !== 'function')
        .map(([name]) => name);
      expect(unchecked).toEqual([]);
    },
  );

  it('the checks refuse what the handlers would refuse, with the field named', () => {
    const check = (name: string): AuditReadCheck =>
      Reflect.getMetadata(
        AUDIT_READ_CHECK,
        (AuditController.prototype as unknown as Record<string, object>)[name]!,
      ) as AuditReadCheck;
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error as { code?: string; details?: { field?: string } };
      }
      throw new Error('not refused');
    };
    expect(
      refusal(() => check('records')({ query: { direction: 'up' }, params: {} })),
    ).toMatchObject({
      code: 'audit.invalid-query',
      details: { field: 'direction' },
    });
    expect(refusal(() => check('record')({ query: {}, params: { seq: '0' } }))).toMatchObject({
      code: 'audit.invalid-query',
      details: { field: 'seq' },
    });
    expect(
      refusal(() => check('consistency')({ query: { from: '5', to: '2' }, params: {} })),
    ).toMatchObject({ details: { field: 'to' } });
    expect(refusal(() => check('verify')({ query: { x: '1' }, params: {} }))).toMatchObject({
      details: { field: 'x' },
    });
    expect(check('metrics')({ query: {}, params: {} })).toMatchObject({
      from: expect.any(Date) as unknown,
    });
  });

  it('a link query is read and canonicalised before its statement is spent', () => {
    const check = Reflect.getMetadata(
      AUDIT_READ_CHECK,
      (LinksController.prototype as unknown as Record<string, object>).query!,
    ) as AuditReadCheck;
    const auth = { jurisdiction: 'RO' } as AuthContext;
    const codeOf = (request: Parameters<AuditReadCheck>[0]): string | undefined => {
      try {
        check(request);
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return undefined;
    };
    expect(codeOf({ query: {}, params: {}, body: { kind: 'PHONE', value: 'call me' }, auth })).toBe(
      'links.invalid-query',
    );
    expect(
      codeOf({
        query: { kind: 'PHONE' },
        params: {},
        body: { kind: 'PHONE', value: '0721555014' },
      }),
    ).toBe('audit.invalid-query');
    expect(
      check({ query: {}, params: {}, body: { kind: 'PHONE', value: '0721 555 014' }, auth }),
    ).toEqual({ kind: 'PHONE', value: '+40721555014', strength: 'EXACT' });
  });
});

describe('an answer to an onward consent request is justified like an audit read', () => {
  const handler = (name: string): object =>
    (OnwardConsentController.prototype as unknown as Record<string, object>)[name]!;
  const codeOf = (name: string, request: Parameters<AuditReadCheck>[0]): string | undefined => {
    const check = Reflect.getMetadata(AUDIT_READ_CHECK, handler(name)) as AuditReadCheck;
    try {
      check(request);
    } catch (error) {
      return (error as { code?: string }).code;
    }
    return undefined;
  };
  const id = '5d0c1b7e-3f7a-4d7e-9b4c-2a1f0e9d8c7b';

  it.each(['grant', 'refuse'])('%s needs a signed justification', (name) => {
    expect(Reflect.getMetadata(AUDIT_READ, handler(name))).toBe(true);
  });

  it('listing the requests needs none', () => {
    expect(Reflect.getMetadata(AUDIT_READ, handler('list'))).toBeUndefined();
    expect(Reflect.getMetadata(AUDIT_READ, OnwardConsentController)).toBeUndefined();
  });

  it('checks the request before the statement is spent', () => {
    const ok = { query: {}, params: { requestId: id } };
    expect(codeOf('grant', { ...ok, body: {} })).toBeUndefined();
    expect(codeOf('grant', { ...ok, params: { requestId: 'x' }, body: {} })).toBe(
      'links.invalid-consent-answer',
    );
    expect(codeOf('refuse', { ...ok, body: {} })).toBe('links.invalid-consent-answer');
    expect(codeOf('refuse', { ...ok, body: { reason: 'source protection' } })).toBeUndefined();
    expect(codeOf('grant', { ...ok, query: { force: '1' }, body: {} })).toBe('audit.invalid-query');
  });
});
