import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn } from './support/auth.ts';
import { hasChromium, INSTALL_CHROMIUM } from './support/browser.ts';
import { buildMembership, towRequest } from './support/factories.ts';
import { mailboxOf, startSmtpServer, type TestSmtpServer } from './support/smtp.ts';
import {
  fitsWidth,
  openSignedIn,
  screenshot,
  seriousViolations,
  startWeb,
  VIEWPORTS,
  type WebHarness,
} from './support/web.ts';

/**
 * Issue 23 in Chromium at 390×844: the titular invites an adult beneficiary from "Personas", the
 * invitation arrives at the test's SMTP peer, the beneficiary opens their own account from the
 * link, lands in the portal signed in, and that account requests help for themselves. Axe clean.
 */
if (!hasChromium) process.stdout.write(`${INSTALL_CHROMIUM}\n`);

const PASSWORD = 'una frase de acceso larga y mía';

describe.skipIf(!hasChromium)('a beneficiary’s own account, invited by the titular', () => {
  let web: WebHarness;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    web = await startWeb({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'Libra <avisos@libra.test>' } });
  }, 120_000);

  afterAll(async () => {
    await web?.close();
    await smtp?.close();
  });

  async function axeClean(page: Page, name: string) {
    expect(await seriousViolations(page), name).toEqual([]);
    expect(await fitsWidth(page), `${name} fits`).toBe(true);
    await screenshot(page, name, VIEWPORTS[0]);
  }

  it('invites from Personas, the beneficiary accepts from the email and requests help for themselves', async () => {
    const titular = await createUser(web.t, 'customer');
    const session = await signIn(web.t, titular);
    const { id: membershipId } = await buildMembership(web.t, { by: session.write });
    const added = await web.t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${membershipId}/beneficiaries`,
      headers: session.write,
      payload: { kind: 'spouse', fullName: 'Jorge Ramírez Soto', birthDate: '1984-07-20' },
    });
    expect(added.statusCode, added.body).toBe(201);
    const spouseId = added.json().id as string;

    const { page } = await openSignedIn(web, titular, '/app/personas');
    await page.getByRole('heading', { level: 3, name: 'Jorge Ramírez Soto' }).waitFor();
    await page.getByRole('button', { name: 'Invitar a Jorge Ramírez Soto a su propia cuenta' }).click();
    const email = `jorge-${Date.now()}@test.libra.mx`;
    await page.getByLabel('Correo de Jorge Ramírez Soto').fill(email);
    await axeClean(page, 'people-invite');
    await page.getByRole('button', { name: 'Enviar invitación' }).click();
    await page.getByText('Enviamos la invitación de Jorge Ramírez Soto', { exact: false }).waitFor();

    await web.t.services.outbox.drain();
    const mail = (await mailboxOf(smtp, email)).at(-1);
    expect(mail?.subject).toBe('Te invitan a Asistencia Libra Plus');
    const link = /(https?:\/\/\S+\/invitacion\/[A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1];
    if (!link) throw new Error(`no link in the email: ${mail?.text}`);
    const token = link.split('/').at(-1) as string;

    const invited = await web.open(`/invitacion/${token}`);
    await invited.page
      .getByRole('heading', { level: 1, name: 'Abre tu cuenta de Asistencia Libra Plus' })
      .waitFor();
    await axeClean(invited.page, 'invitation');
    await invited.page.getByLabel('Tu correo para entrar').fill(email);
    await invited.page.getByLabel('Crea una contraseña').fill(PASSWORD);
    await invited.page.getByRole('button', { name: 'Abrir mi cuenta' }).click();
    await invited.page.waitForURL(/\/app/);

    // The account the browser made requests help for its own person, and only for it.
    const own = await signIn(web.t, { email, password: PASSWORD });
    const mine = await web.t.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: own.write,
      payload: towRequest(membershipId, { personId: spouseId }),
    });
    expect(mine.statusCode, mine.body).toBe(201);
    const forTitular = await web.t.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: own.write,
      payload: towRequest(membershipId),
    });
    expect(forTitular.statusCode).toBe(404);
  });
});
