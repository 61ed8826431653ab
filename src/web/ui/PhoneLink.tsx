import { PHONE } from '../i18n/format.ts';

/** The program's line, dialable on a phone: `55 5480 0900`. */
export function PhoneLink({ phone = PHONE }: { phone?: { display: string; tel: string } }) {
  return (
    <a href={`tel:${phone.tel}`} className="phone">
      {phone.display}
    </a>
  );
}
