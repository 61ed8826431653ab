/** Formats the program's way (UI.md "Formats"), the same in both languages. */

const amount = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Integer centavos to `$1,000.00` (add "MXN" beside it where currencies could be confused). */
export function formatMoney(centavos: number): string {
  const sign = centavos < 0 ? '-' : '';
  return `${sign}$${amount.format(Math.abs(centavos) / 100)}`;
}

/** The program's phone line, as people read it and as a `tel:` link dials it. */
export const PHONE = { display: '55 5480 0900', tel: '+525554800900' } as const;
export const PHONE_INTERNATIONAL = { display: '+52 55 5480 0900', tel: '+525554800900' } as const;

/** Fills `{name}` placeholders. */
export function interpolate(text: string, values: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
