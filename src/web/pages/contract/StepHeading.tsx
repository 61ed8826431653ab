import { useEffect, useRef } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import { STEP_LABELS, STEPS, type Step } from './flow.ts';

/** Where the person is: the four steps, the current one marked. */
export function StepList({ current }: { current: Step }) {
  const { t } = useI18n();
  const at = STEPS.indexOf(current as (typeof STEPS)[number]);
  return (
    <ol className="contract-steps" aria-label={t('contract.steps')}>
      {STEPS.map((step, i) => (
        <li
          key={step}
          aria-current={step === current ? 'step' : undefined}
          className={i < at ? 'is-done' : undefined}
        >
          <span className="contract-steps-number" aria-hidden="true">
            {i + 1}
          </span>
          <span>{t(STEP_LABELS[step])}</span>
        </li>
      ))}
    </ol>
  );
}

/**
 * The step's heading, with "Paso 2 de 4" above it. It takes the focus when the person has moved to
 * this step (a screen reader then reads where they are), not on the page's first load.
 */
export function StepHeading({ step, title, focus }: { step: Step; title: string; focus: boolean }) {
  const { t } = useI18n();
  const ref = useRef<HTMLHeadingElement>(null);
  // Only when the step mounts: later renders (typing) must not move the focus.
  const focusOnMount = useRef(focus);
  useEffect(() => {
    if (focusOnMount.current) ref.current?.focus();
  }, []);
  const n = STEPS.indexOf(step as (typeof STEPS)[number]);
  return (
    <>
      {n >= 0 && <p className="eyebrow">{t('contract.stepOf', { n: n + 1, total: STEPS.length })}</p>}
      <h2 ref={ref} tabIndex={-1} className="contract-step-heading">
        {title}
      </h2>
    </>
  );
}

/** After a refusal, the first field at fault takes the focus; its message is read with it. */
export function useFocusFirstInvalid(form: React.RefObject<HTMLFormElement | null>, trigger: unknown) {
  useEffect(() => {
    if (!trigger) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form, trigger]);
}
