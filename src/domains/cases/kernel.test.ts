import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.ts';
import { createUser, signIn } from '../../../test/support/auth.ts';
import { contractByPhone, towRequest } from '../../../test/support/dispatch.ts';
import { cases } from '../../db/schema/index.ts';
import { AppError } from '../../lib/errors.ts';
import { IdempotencyRepository } from '../../platform/idempotency/repository.ts';
import { IdempotencyService } from '../../platform/idempotency/service.ts';
import type { Actor } from '../../platform/principal.ts';
import type { FulfilmentModule } from './fulfilment.ts';
import { CaseKernel } from './kernel.ts';
import { CaseMessages } from './messages.ts';
import { CasesRepository } from './repository.ts';
import { CasesService } from './service.ts';
import type { CaseViewParts } from './views.ts';

/**
 * The kernel on a real database, with a kind of help that records what the kernel asks of it:
 * the kernel picks the module by the service's fulfilment, calls `opened` once for an allowed
 * case, `cancelled` before it gives the use back, and adds the module's part to the view.
 */
let t: TestApp;
let membershipId: string;
let agent: Actor;

class RecordingModule implements FulfilmentModule {
  readonly kind = 'dispatch' as const;
  readonly measuredAgainstSla = true;
  readonly calls: string[] = [];
  checkRequest(details: unknown): void {
    if ((details as { refuse?: boolean } | undefined)?.refuse) throw new AppError('VALIDATION_FAILED');
  }
  async opened(_tx: unknown, _actor: Actor, kase: { id: string; state: string }) {
    this.calls.push(`opened:${kase.state}`);
  }
  async cancelled(_tx: unknown, kase: { state: string }) {
    this.calls.push(`cancelled:${kase.state}`);
  }
  async completed() {
    this.calls.push('completed');
  }
  async viewParts(): Promise<CaseViewParts> {
    return { offers: [] };
  }
  listParts(): CaseViewParts {
    return {};
  }
}

function casesServiceOn(kernel: CaseKernel, repository: CasesRepository) {
  const s = t.services;
  return new CasesService(
    t.database.handle.db,
    kernel,
    repository,
    s.entitlements,
    s.catalog['repository'],
    s.audit,
    new IdempotencyService(new IdempotencyRepository(), t.clock),
    t.clock,
    s.geocoder,
  );
}

function kernelWith(...modules: FulfilmentModule[]) {
  const repository = new CasesRepository();
  const kernel = new CaseKernel(
    repository,
    t.services.entitlements,
    t.services.audit,
    t.services.dispatch,
    t.clock,
    new CaseMessages(t.services.notifier, t.services.dispatch),
    t.services.eventLog,
  );
  for (const m of modules) kernel.register(m);
  return { kernel, service: casesServiceOn(kernel, repository) };
}

async function caseCount(): Promise<number> {
  return (await t.database.handle.db.select({ id: cases.id }).from(cases)).length;
}

beforeAll(async () => {
  t = await buildTestApp();
  const user = await createUser(t, 'agent');
  const session = await signIn(t, user);
  membershipId = await contractByPhone(t, session.write);
  agent = {
    principal: {
      kind: 'user',
      userId: user.id,
      role: 'agent',
      email: user.email,
      name: 'Agente de prueba',
      providerId: null,
      sessionId: 'kernel-test',
      sessionExpiresAt: new Date('2099-01-01T00:00:00Z'),
    },
    requestId: null,
    ip: null,
  };
});

afterAll(async () => {
  await t?.close();
});

describe('the case kernel', () => {
  it('refuses a service whose kind of help has no module, writing nothing', async () => {
    const { service } = kernelWith();
    const before = await caseCount();
    await expect(service.request(agent, towRequest(membershipId) as never, undefined)).rejects.toMatchObject({
      code: 'FULFILMENT_NOT_AVAILABLE',
    });
    expect(await caseCount()).toBe(before);
  });

  it("lets the module refuse the request's details before anything is written", async () => {
    const module = new RecordingModule();
    const { service } = kernelWith(module);
    const before = await caseCount();
    await expect(
      service.request(agent, towRequest(membershipId, { details: { refuse: true } }) as never, undefined),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await caseCount()).toBe(before);
    expect(module.calls).toEqual([]);
  });

  it('opens through the module once, shows its part, and cancels through it before freeing the use', async () => {
    const module = new RecordingModule();
    const { kernel, service } = kernelWith(module);
    const opened = await service.request(agent, towRequest(membershipId) as never, undefined);
    expect(opened.body).toMatchObject({ state: 'requested', fulfilment: 'dispatch', offers: [] });
    expect(module.calls).toEqual(['opened:requested']);

    const cancelled = await service.cancel(agent, opened.body.id, 'Ya no la necesito');
    expect(module.calls).toEqual(['opened:requested', 'cancelled:requested']);
    expect(cancelled).toMatchObject({ state: 'cancelled', closeReason: 'cancelled_by_request' });
    const events = await kernel.events(t.database.handle.db, opened.body.id);
    expect(events.map((e) => e.type)).toEqual(['requested', 'cancelled']);
    const [row] = await t.database.handle.db.select().from(cases).where(eq(cases.id, opened.body.id));
    expect(row?.state).toBe('cancelled');
  });
});

/** Files under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('who writes cases', () => {
  it('only the kernel writes a case or its timeline: no other code holds the cases repository', () => {
    const src = path.resolve(import.meta.dirname, '../..');
    const holders = filesUnder(src)
      .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts'))
      .filter((f) => /\bCasesRepository\b/.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(src, f))
      .sort();
    // The service reads its SLA targets through it; services.ts builds it once for both.
    expect(holders).toEqual([
      'domains/cases/kernel.ts',
      'domains/cases/repository.ts',
      'domains/cases/service.ts',
      'services.ts',
    ]);
  });
});
