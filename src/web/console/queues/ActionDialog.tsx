import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiProblem } from '../../api.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { Dialog, DialogActions } from '../../ui/Dialog.tsx';
import { FormError } from '../../ui/Field.tsx';
import { useProblemText } from './data.ts';

/**
 * A dialog that does one thing: its fields (the caller's), a submit and a cancel. A failure shows
 * the API's words at the field it concerns (`fieldOf` picks it) or above the form.
 */
export function ActionDialog({
  open,
  title,
  submitLabel,
  onClose,
  onSubmit,
  children,
  intro,
}: {
  open: boolean;
  title: string;
  submitLabel: string;
  onClose: () => void;
  /** Throws an ApiProblem on failure; the dialog closes itself on success. */
  onSubmit: () => Promise<void>;
  /** The fields, given the current problem so each shows its own error. */
  children?: (problem: ApiProblem | null) => ReactNode;
  intro?: ReactNode;
}) {
  const { t } = useStaffI18n();
  const text = useProblemText();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const close = () => {
    setProblem(null);
    setFormError(undefined);
    onClose();
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setProblem(null);
    setFormError(undefined);
    try {
      await onSubmit();
      close();
    } catch (error) {
      const p = error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined);
      setProblem(p);
      // A field that has the error says it; otherwise the form does.
      requestAnimationFrame(() => {
        const invalid = document.querySelector<HTMLElement>('dialog [aria-invalid="true"]');
        if (invalid) invalid.focus();
        else setFormError(text(p));
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} onClose={close} title={title}>
      <form onSubmit={submit} noValidate className="queues-dialog-form">
        {intro}
        <FormError message={formError} />
        {children?.(problem)}
        <DialogActions>
          <Button type="submit" disabled={busy}>
            {busy ? t('queues.sending') : submitLabel}
          </Button>
          <Button variant="secondary" onClick={close} data-autofocus={children ? undefined : true}>
            {t('queues.cancel')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

/** The API's message for one field of the problem, else its detail when its code is about that field. */
export function fieldError(
  problem: ApiProblem | null,
  field: string,
  codes: string[] = [],
): string | undefined {
  if (!problem) return undefined;
  return problem.fieldMessage(field) ?? (codes.includes(problem.code) ? problem.detail : undefined);
}
