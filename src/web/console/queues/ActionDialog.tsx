import { type ReactNode, useState } from 'react';
import type { ApiProblem } from '../../api.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { FormDialog } from '../../ui/FormDialog.tsx';
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
  const [formError, setFormError] = useState<string | undefined>();

  const close = () => {
    setFormError(undefined);
    onClose();
  };

  return (
    <FormDialog
      open={open}
      onClose={close}
      title={title}
      formClassName="queues-dialog-form"
      intro={intro}
      message={() => formError}
      submitLabel={submitLabel}
      sendingLabel={t('queues.sending')}
      cancelLabel={t('queues.cancel')}
      focusCancel={!children}
      validate={() => {
        setFormError(undefined);
        return true;
      }}
      onSubmit={async () => {
        await onSubmit();
        close();
      }}
      onFailure={(p) =>
        // A field that has the error says it; otherwise the form does.
        requestAnimationFrame(() => {
          const invalid = document.querySelector<HTMLElement>('dialog [aria-invalid="true"]');
          if (invalid) invalid.focus();
          else setFormError(text(p));
        })
      }
    >
      {(problem) => children?.(problem)}
    </FormDialog>
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
