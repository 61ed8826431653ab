import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiProblem, api, getJson } from '../../api.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { DataTable } from '../../ui/DataTable.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { Toast } from '../../ui/Toast.tsx';
import { fieldError } from '../queues/ActionDialog.tsx';
import { type StaffAccount, useProblemText } from '../queues/data.ts';
import '../queues/queues.css';

/** The roles an admin gives here (provider accounts belong to a provider: made with it). */
const STAFF_ROLES = [
  'agent',
  'supervisor',
  'finance',
  'admin',
  'doctor',
  'lawyer',
  'medical_supervisor',
  'privacy',
] as const;
const EMPTY = { name: '', email: '', role: 'agent', password: '' };

/** `/console/admin/cuentas`: staff accounts, and a new one with its role. */
export default function UsersPage() {
  const { t, tOr, lang } = useStaffI18n();
  const problemText = useProblemText();
  const queryClient = useQueryClient();
  const users = useQuery({
    queryKey: ['queues', 'users'],
    queryFn: () => getJson<{ data: StaffAccount[] }>('/v1/admin/users', lang),
  });
  const [form, setForm] = useState(EMPTY);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [toast, setToast] = useState<string | null>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      const created = await api<StaffAccount>('POST', '/v1/admin/users', { lang, body: form });
      setForm(EMPTY);
      setToast(
        t('queues.users.created', {
          name: created.name,
          role: tOr(`staff.role.${created.role}`, created.role),
        }),
      );
      await queryClient.invalidateQueries({ queryKey: ['queues', 'users'] });
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
    } finally {
      setBusy(false);
    }
  }

  const errors = {
    name: fieldError(problem, 'name'),
    email: fieldError(problem, 'email', ['EMAIL_TAKEN']),
    role: fieldError(problem, 'role'),
    password: fieldError(problem, 'password', ['PASSWORD_TOO_WEAK']),
  };
  const formError = problem && !Object.values(errors).some(Boolean) ? problemText(problem) : undefined;
  const rows = users.data?.data ?? [];

  return (
    <section aria-labelledby="page-heading" className="queues-page">
      <div className="queues-head">
        <h1 id="page-heading">{t('staff.nav.users')}</h1>
      </div>
      <form className="queues-create" onSubmit={create} noValidate aria-labelledby="users-create">
        <h2 id="users-create">{t('queues.users.create')}</h2>
        <FormError message={formError} />
        <Field label={t('queues.users.name')} error={errors.name}>
          <input
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
            autoComplete="off"
          />
        </Field>
        <Field label={t('queues.users.email')} error={errors.email}>
          <input
            type="email"
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
            autoComplete="off"
          />
        </Field>
        <Field label={t('queues.users.role')} error={errors.role}>
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
            {STAFF_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`staff.role.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label={t('queues.users.password')}
          hint={t('queues.users.passwordHint')}
          error={errors.password}
        >
          <input
            type="password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
            autoComplete="new-password"
          />
        </Field>
        <Button type="submit" disabled={busy}>
          {busy ? t('queues.sending') : t('queues.users.submit')}
        </Button>
      </form>
      <h2>{t('queues.users.list')}</h2>
      <QueryView
        query={users}
        loading={t('staff.loading')}
        errorTitle={t('staff.error.title')}
        errorDetail={(error) => problemText(error)}
        isEmpty={() => rows.length === 0}
        empty={<EmptyState title={t('queues.users.empty')} />}
      >
        {() => (
          <div className="queues-scroll">
            <DataTable
              caption={t('queues.users.caption', { count: rows.length })}
              rows={rows}
              rowKey={(u) => u.id}
              columns={[
                { header: t('queues.users.name'), cell: (u) => u.name },
                { header: t('queues.users.email'), cell: (u) => u.email },
                { header: t('queues.users.role'), cell: (u) => tOr(`staff.role.${u.role}`, u.role) },
                {
                  header: t('queues.users.status'),
                  cell: (u) => (
                    <StatusBadge tone={u.status === 'active' ? 'good' : 'neutral'}>
                      {t(`queues.users.status.${u.status}`)}
                    </StatusBadge>
                  ),
                },
                {
                  header: t('queues.users.since'),
                  cell: (u) => <DateTime value={u.createdAt} dateOnly />,
                },
              ]}
            />
          </div>
        )}
      </QueryView>
      <Toast message={toast} onDismiss={() => setToast(null)} closeLabel={t('queues.close')} />
    </section>
  );
}
