import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { problemText } from '../../api.ts';
import { formatPhone } from '../../i18n/format.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { useMemberSearch, usePlans } from '../agent/data.ts';
import { membershipTone } from '../agent/words.ts';
import '../agent/agent.css';

/** How long the box waits after the last key before searching (and before updating `?q=`). */
const TYPING_PAUSE_MS = 250;

/**
 * `/console/miembros`: one box finds the member by name, phone, email, membership number or card
 * last 4. `/` focuses it from anywhere; Enter opens the first result; the arrow keys walk the list.
 * The search is kept in the address (`?q=`) so going back returns to the same results.
 */
export default function SearchPage() {
  const { t, tOr } = useStaffI18n();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const inputId = useId();
  const hintId = useId();
  const table = useRef<HTMLTableElement>(null);
  const found = useMemberSearch(q);
  const plans = usePlans();

  useEffect(() => {
    document.title = `${t('agent.search.title')} · ${t('staff.console')}`;
  }, [t]);

  // The address follows the box once the agent pauses; the query follows the address.
  useEffect(() => {
    if (text === q) return;
    const timer = setTimeout(
      () => setParams(text.trim() ? { q: text } : {}, { replace: true }),
      TYPING_PAUSE_MS,
    );
    return () => clearTimeout(timer);
  }, [text, q, setParams]);

  const rowLinks = () => [...(table.current?.querySelectorAll<HTMLAnchorElement>('a[data-result]') ?? [])];

  // Enter before the results of what was typed arrived: open the first one when they do.
  const openFirst = useRef(false);
  useEffect(() => {
    const first = found.data?.[0];
    if (openFirst.current && text === q && !found.isFetching && found.data) {
      openFirst.current = false;
      if (first) navigate(`/console/miembros/${first.id}`);
    }
  }, [found.data, found.isFetching, text, q, navigate]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (text.trim().length < 2) return;
    openFirst.current = true;
    if (text !== q) setParams({ q: text }, { replace: true });
    else if (found.data && !found.isFetching) {
      openFirst.current = false;
      const first = found.data[0];
      if (first) navigate(`/console/miembros/${first.id}`);
    }
  }

  function onInputKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      rowLinks()[0]?.focus();
    }
  }

  function onTableKey(event: KeyboardEvent<HTMLTableElement>) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const links = rowLinks();
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    if (at < 0) return;
    event.preventDefault();
    if (event.key === 'ArrowUp' && at === 0) document.getElementById(inputId)?.focus();
    else links[Math.min(links.length - 1, event.key === 'ArrowDown' ? at + 1 : at - 1)]?.focus();
  }

  const planName = (code: string) => plans.data?.find((p) => p.code === code)?.name ?? code;
  const term = q.trim();

  return (
    <section className="agent agent-search" aria-labelledby="page-heading">
      <h1 id="page-heading">{t('agent.search.title')}</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: a form with the search role is the landmark every reader knows */}
      <form role="search" className="agent-search-form" onSubmit={submit}>
        <label htmlFor={inputId}>{t('agent.search.label')}</label>
        <div className="agent-search-row">
          <input
            id={inputId}
            type="search"
            data-shortcut="search"
            aria-keyshortcuts="/"
            aria-describedby={hintId}
            // biome-ignore lint/a11y/noAutofocus: an agent on a call lands here to type at once
            autoFocus
            autoComplete="off"
            spellCheck={false}
            value={text}
            maxLength={100}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onInputKey}
          />
        </div>
        <p id={hintId} className="agent-hint">
          {t('agent.search.hint')} <kbd>/</kbd> {t('agent.search.hintFocus')} · <kbd>↓</kbd>{' '}
          {t('agent.search.hintWalk')} · <kbd>Enter</kbd> {t('agent.search.hintOpen')}
        </p>
      </form>

      <div className="agent-results" aria-live="polite" aria-busy={found.isFetching}>
        {term.length < 2 ? (
          <p className="agent-muted">{t('agent.search.tooShort')}</p>
        ) : (
          <QueryView
            query={found}
            loading={t('agent.search.searching')}
            errorTitle={t('agent.search.error')}
            errorDetail={(error) => problemText(error, t('agent.error.network'))}
            isEmpty={(data) => data.length === 0}
            empty={
              <EmptyState title={t('agent.search.none', { q: term })}>
                <p>{t('agent.search.noneBody')}</p>
              </EmptyState>
            }
          >
            {(data) => (
              <>
                <p className="agent-muted">{t('agent.search.count', { count: data.length })}</p>
                <table className="staff-table agent-table" ref={table} onKeyDown={onTableKey}>
                  <caption className="visually-hidden">{t('agent.search.caption', { q: term })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('agent.col.name')}</th>
                      <th scope="col">{t('agent.col.membership')}</th>
                      <th scope="col">{t('agent.col.plan')}</th>
                      <th scope="col">{t('agent.col.state')}</th>
                      <th scope="col">{t('agent.col.phone')}</th>
                      <th scope="col">{t('agent.col.email')}</th>
                      <th scope="col">{t('agent.col.card')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.map((m) => (
                      <tr key={m.id}>
                        <td>
                          <Link to={`/console/miembros/${m.id}`} data-result>
                            {m.titularName}
                          </Link>
                        </td>
                        <td className="mono">{m.number}</td>
                        <td>{planName(m.planCode)}</td>
                        <td>
                          <StatusBadge tone={membershipTone(m.state)}>
                            {tOr(`agent.membership.${m.state}`, m.state)}
                          </StatusBadge>
                        </td>
                        <td className="mono">{formatPhone(m.titularPhone)}</td>
                        <td>{m.titularEmail}</td>
                        <td className="mono">
                          <span className="visually-hidden">{t('agent.card.endsIn')} </span>
                          <span aria-hidden="true">•••• </span>
                          {m.cardLast4}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
          </QueryView>
        )}
      </div>
    </section>
  );
}
