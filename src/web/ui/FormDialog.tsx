import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiProblem } from '../api.ts';
import { Button } from './Button.tsx';
import { Dialog, DialogActions } from './Dialog.tsx';
import { FormError } from './Field.tsx';

/**
 * A dialog holding one form: its fields (the caller's), a submit that says it is sending, and a
 * way out. It owns the sending state and the API's problem: `validate` stops a send the fields
 * already refuse, `onSubmit` throws the API's problem, which the fields (`children` given the
 * problem) and the line above them (`message`) put in words. The caller closes it on success.
 */
export function FormDialog({
  open,
  onClose,
  title,
  formClassName,
  testId,
  intro,
  message,
  submitLabel,
  sendingLabel,
  cancelLabel,
  submitDisabled = false,
  cancelFirst = false,
  focusCancel = false,
  validate,
  onSubmit,
  onFailure,
  replaceForm,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  formClassName?: string;
  testId?: string;
  /** Said before the problem line (what the dialog does). */
  intro?: ReactNode;
  /** The problem line above the fields; undefined when a field says it. */
  message: (problem: ApiProblem | null) => string | undefined;
  submitLabel: string;
  sendingLabel: string;
  cancelLabel: string;
  submitDisabled?: boolean;
  /** The way out before the submit (where keeping things as they are is the safe choice). */
  cancelFirst?: boolean;
  /** The focus goes to the way out on opening (else to a field marked `data-autofocus`). */
  focusCancel?: boolean;
  /** False stops the send: the fields already say why. */
  validate?: () => boolean;
  onSubmit: () => Promise<void>;
  onFailure?: (problem: ApiProblem) => void;
  /** Shown instead of the form while what it needs is loading, or failed. */
  replaceForm?: ReactNode;
  children: ReactNode | ((problem: ApiProblem | null) => ReactNode);
}) {
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (sending) return;
    setProblem(null);
    if (validate && !validate()) return;
    setSending(true);
    try {
      await onSubmit();
    } catch (error) {
      const p = error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined);
      setProblem(p);
      onFailure?.(p);
    } finally {
      setSending(false);
    }
  }

  const close = () => {
    setProblem(null);
    onClose();
  };
  const submitButton = (
    <Button type="submit" disabled={sending || submitDisabled}>
      {sending ? sendingLabel : submitLabel}
    </Button>
  );
  const cancelButton = (
    <Button variant="secondary" onClick={close} data-autofocus={focusCancel ? true : undefined}>
      {cancelLabel}
    </Button>
  );
  return (
    <Dialog open={open} onClose={close} title={title}>
      {replaceForm ?? (
        <form onSubmit={submit} noValidate className={formClassName} data-testid={testId}>
          {intro}
          <FormError message={message(problem)} />
          {typeof children === 'function' ? children(problem) : children}
          <DialogActions>
            {cancelFirst ? cancelButton : submitButton}
            {cancelFirst ? submitButton : cancelButton}
          </DialogActions>
        </form>
      )}
    </Dialog>
  );
}
