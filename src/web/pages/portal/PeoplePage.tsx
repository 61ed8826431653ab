import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { ApiProblem, api, newIdempotencyKey } from '../../api.ts';
import { formatDate } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Person } from '../../members/membership.ts';
import { Button } from '../../ui/Button.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { MY_MEMBERSHIPS } from './membership.ts';
import { useMembership } from './outlet.ts';
import { PersonAccess, useBeneficiaryAccess } from './PersonAccess.tsx';
import { fieldProblem, formProblem, problemDetail } from './portal-data.ts';
import type { PersonKind } from './portal-words.ts';
import './portal.css';

type Kind = 'spouse' | 'child' | 'additional_cardholder';
const KINDS: Kind[] = ['spouse', 'child', 'additional_cardholder'];
const FIELDS = ['fullName', 'birthDate', 'cardLast4'];

/** `/app/personas`: everyone the membership covers, why and until when; add and remove people. */
export default function PeoplePage() {
  const { t } = useI18n();
  const membership = useMembership();
  const [notice, setNotice] = useState<string | null>(null);
  const open = membership.state !== 'cancelled';
  const access = useBeneficiaryAccess(membership.id);
  return (
    <>
      <h1>{t('portal.people.heading')}</h1>
      <p>{t('portal.people.intro')}</p>
      <div role="status" aria-live="polite">
        {notice && <p className="portal-notice">{notice}</p>}
      </div>
      <section className="section" aria-labelledby="people-list">
        <h2 id="people-list">{t('portal.people.listHeading')}</h2>
        {access.isError && (
          <div className="portal-alert">
            <p>
              {t('portal.access.error')} {problemDetail(access.error, t)}
            </p>
            <Button variant="secondary" onClick={() => void access.refetch()}>
              {t('state.error.retry')}
            </Button>
          </div>
        )}
        <ul className="people" data-testid="people">
          {membership.people.map((person) => (
            <PersonCard
              key={person.id}
              person={person}
              membershipId={membership.id}
              canRemove={open && person.kind !== 'titular'}
              onRemoved={setNotice}
              access={
                person.kind !== 'titular' && access.isSuccess ? (
                  <PersonAccess
                    person={person}
                    membershipId={membership.id}
                    access={access.data}
                    onNotice={setNotice}
                  />
                ) : null
              }
            />
          ))}
        </ul>
      </section>
      {open ? (
        <AddPerson membershipId={membership.id} onAdded={setNotice} />
      ) : (
        <p className="portal-notice">{t('portal.people.closed')}</p>
      )}
    </>
  );
}

function PersonCard({
  person,
  membershipId,
  canRemove,
  onRemoved,
  access,
}: {
  person: Person;
  membershipId: string;
  canRemove: boolean;
  onRemoved: (notice: string) => void;
  /** Their own account and invitations (PersonAccess), for the people the titular may invite. */
  access: ReactNode;
}) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const confirmRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  async function remove() {
    setRemoving(true);
    setProblem(null);
    try {
      await api('DELETE', `/v1/memberships/${membershipId}/beneficiaries/${person.id}`, { lang });
      onRemoved(t('portal.people.removed', { name: person.fullName }));
      setConfirming(false);
      await queryClient.invalidateQueries({ queryKey: MY_MEMBERSHIPS });
    } catch (error) {
      setProblem(error instanceof ApiProblem && error.detail ? error.detail : t('state.error.network'));
    } finally {
      setRemoving(false);
    }
  }

  return (
    <li className="card person" data-person={person.kind}>
      <h3>{person.fullName}</h3>
      <p className="person-kind">
        {t(`portal.people.kind.${person.kind as PersonKind}`)}
        {person.cardLast4 && <> · {t('portal.people.cardEnding', { last4: person.cardLast4 })}</>}
        {person.birthDate && <> · {t('portal.people.born', { date: formatDate(person.birthDate, lang) })}</>}
      </p>
      <StatusBadge tone={person.covered ? 'good' : 'alert'}>
        {t(person.covered ? 'portal.people.covered' : 'portal.people.notCovered')}
      </StatusBadge>
      {person.coverage.coveredUntil && person.covered && (
        <p className="person-until">
          <strong>
            {t('portal.people.until', { date: formatDate(person.coverage.coveredUntil, lang) })}
          </strong>
        </p>
      )}
      <p>{person.coverage.reason[lang]}</p>
      {canRemove && !confirming && access}
      {canRemove && !confirming && (
        <Button variant="secondary" onClick={() => setConfirming(true)}>
          {t('portal.people.remove')}
          <span className="visually-hidden"> {t('portal.people.removeWho', { name: person.fullName })}</span>
        </Button>
      )}
      {confirming && (
        <div className="confirm">
          <p ref={confirmRef} tabIndex={-1}>
            {t('portal.people.confirm', { name: person.fullName })}
          </p>
          <FormError message={problem ?? undefined} />
          <div className="actions">
            <Button onClick={() => void remove()} disabled={removing}>
              {removing ? t('portal.people.removing') : t('portal.people.confirmYes')}
            </Button>
            <Button variant="secondary" onClick={() => setConfirming(false)} disabled={removing}>
              {t('portal.people.confirmNo')}
            </Button>
          </div>
        </div>
      )}
    </li>
  );
}

interface Draft {
  kind: Kind;
  fullName: string;
  birthDate: string;
  cardLast4: string;
}
const EMPTY: Draft = { kind: 'child', fullName: '', birthDate: '', cardLast4: '' };

function AddPerson({ membershipId, onAdded }: { membershipId: string; onAdded: (notice: string) => void }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);
  // One key per person being added, kept while the same details are retried (the API's rule for
  // POSTs that create; the beneficiaries route does not honour it yet, docs/decisions.md).
  const key = useRef(newIdempotencyKey());

  function change(patch: Partial<Draft>) {
    setDraft((d) => ({ ...d, ...patch }));
    key.current = newIdempotencyKey();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setProblem(null);
    const body: Record<string, string> = { kind: draft.kind, fullName: draft.fullName.trim() };
    if (draft.kind !== 'additional_cardholder' && draft.birthDate) body.birthDate = draft.birthDate;
    if (draft.kind === 'additional_cardholder') body.cardLast4 = draft.cardLast4.trim();
    try {
      const added = await api<Person>('POST', `/v1/memberships/${membershipId}/beneficiaries`, {
        lang,
        body,
        idempotencyKey: key.current,
      });
      onAdded(t('portal.people.added', { name: added.fullName, reason: added.coverage.reason[lang] }));
      setDraft({ ...EMPTY, kind: draft.kind });
      key.current = newIdempotencyKey();
      await queryClient.invalidateQueries({ queryKey: MY_MEMBERSHIPS });
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
    } finally {
      setSending(false);
    }
  }

  /** Refused for who they are (a child aged 21 or more): the API's reason, at the birth date. */
  const notEligible =
    problem?.code === 'BENEFICIARY_NOT_ELIGIBLE'
      ? ((problem.body.reason as Record<string, string> | undefined)?.[lang] ?? problem.detail)
      : undefined;
  const errorAt = (field: string) =>
    field === 'birthDate' && notEligible ? notEligible : fieldProblem(problem, field);
  const general = notEligible ? undefined : formProblem(problem, FIELDS, t);

  return (
    <section className="section narrow" aria-labelledby="people-add">
      <h2 id="people-add">{t('portal.people.addHeading')}</h2>
      <form onSubmit={submit} noValidate>
        <FormError message={general} />
        <fieldset className="choice">
          <legend>{t('portal.people.kind')}</legend>
          {KINDS.map((kind) => (
            <label key={kind}>
              <input
                type="radio"
                name="kind"
                value={kind}
                checked={draft.kind === kind}
                onChange={() => change({ kind })}
              />
              {t(`portal.people.kind.${kind}`)}
            </label>
          ))}
        </fieldset>
        <Field
          label={t('portal.people.fullName')}
          hint={t('portal.people.fullNameHint')}
          error={errorAt('fullName')}
        >
          <input
            type="text"
            autoComplete="off"
            value={draft.fullName}
            onChange={(e) => change({ fullName: e.target.value })}
          />
        </Field>
        {draft.kind !== 'additional_cardholder' && (
          <Field
            label={t('portal.people.birthDate')}
            hint={t(
              draft.kind === 'child'
                ? 'portal.people.birthDateChildHint'
                : 'portal.people.birthDateSpouseHint',
            )}
            error={errorAt('birthDate')}
          >
            <input
              type="date"
              value={draft.birthDate}
              onChange={(e) => change({ birthDate: e.target.value })}
            />
          </Field>
        )}
        {draft.kind === 'additional_cardholder' && (
          <Field
            label={t('portal.people.cardLast4')}
            hint={t('portal.people.cardLast4Hint')}
            error={errorAt('cardLast4')}
          >
            <input
              type="text"
              inputMode="numeric"
              autoComplete="off"
              maxLength={4}
              value={draft.cardLast4}
              onChange={(e) => change({ cardLast4: e.target.value.replace(/\D/g, '') })}
            />
          </Field>
        )}
        <Button type="submit" disabled={sending}>
          {sending ? t('portal.people.adding') : t('portal.people.add')}
        </Button>
      </form>
    </section>
  );
}
