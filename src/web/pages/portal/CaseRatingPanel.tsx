import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, problemText } from '../../api.ts';
import { type Case, caseKey } from '../../cases/case-data.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { Button } from '../../ui/Button.tsx';
import { Field, FormError } from '../../ui/Field.tsx';

const SCORES = [5, 4, 3, 2, 1] as const;

/**
 * After a completed case: the customer rates it once (1–5, a comment if they like), and then
 * reads the rating they gave. A rating is not changed later (docs/decisions.md).
 */
export function RatingPanel({ kase }: { kase: Case }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [sending, setSending] = useState(false);

  if (kase.rating) {
    return (
      <section className="panel" aria-labelledby="rating-heading" data-testid="rating-given">
        <h2 id="rating-heading">{t('assistance.rating.heading')}</h2>
        <p>{t('assistance.rating.given', { score: kase.rating.score })}</p>
        {kase.rating.comment && <blockquote className="rating-comment">{kase.rating.comment}</blockquote>}
        <p className="muted">{t('assistance.rating.thanks')}</p>
      </section>
    );
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (score === null) {
      setProblem(t('assistance.rating.pick'));
      return;
    }
    setSending(true);
    setProblem(undefined);
    try {
      const rated = await api<Case>('POST', `/v1/cases/${kase.id}/rating`, {
        lang,
        body: { score, ...(comment.trim() ? { comment: comment.trim() } : {}) },
      });
      queryClient.setQueryData(caseKey(kase.id), rated);
    } catch (error) {
      setProblem(problemText(error, t('state.error.network')));
    } finally {
      setSending(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="rating-heading">
      <h2 id="rating-heading">{t('assistance.rating.heading')}</h2>
      <form onSubmit={submit} noValidate>
        <FormError message={problem} />
        <fieldset className="choice rating-scores">
          <legend>{t('assistance.rating.question')}</legend>
          {SCORES.map((s) => (
            <label key={s}>
              <input
                type="radio"
                name="rating-score"
                value={s}
                checked={score === s}
                onChange={() => setScore(s)}
              />
              <span>{t(`assistance.rating.score.${s}`)}</span>
            </label>
          ))}
        </fieldset>
        <Field label={t('assistance.rating.comment')} hint={t('assistance.rating.commentHint')}>
          <textarea value={comment} maxLength={1000} onChange={(e) => setComment(e.target.value)} />
        </Field>
        <Button type="submit" disabled={sending}>
          {t('assistance.rating.submit')}
        </Button>
      </form>
    </section>
  );
}
