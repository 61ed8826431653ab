import type { Translate } from '../../i18n/i18n.tsx';
import type { Lang } from '../../i18n/messages.ts';
import type { ServiceUsage } from '../../members/membership-data.ts';
import { UsageBar } from '../../ui/UsageBar.tsx';
import { perKeyName, perKeyValue } from './portal-words.ts';

/** A counted limit as a bar; an unlimited one in words, never as a bar to infinity. */
export function ServiceLeft({ service, lang, t }: { service: ServiceUsage; lang: Lang; t: Translate }) {
  const name = service.name[lang];
  const limit = service.limit;
  if (limit.kind === 'unlimited')
    return (
      <div className="usage-unlimited">
        <span className="usage-bar-label">{name}</span>
        <span>{t('portal.usage.unlimitedUsed', { used: limit.used })}</span>
      </div>
    );
  const perKey = limit.perKey;
  let note: string | undefined;
  if (perKey) {
    const used = Object.entries(perKey.used)
      .filter(([, n]) => n > 0)
      .map(([value]) => perKeyValue(value, t));
    const values = { perKey: perKey.limit, key: perKeyName(perKey.key, t) };
    note =
      used.length > 0
        ? t('portal.usage.perKeyUsed', { ...values, values: used.join(', ') })
        : t('portal.usage.perKey', values);
  }
  return (
    <UsageBar label={name} used={limit.used} total={limit.limit}>
      {note && <p className="usage-note">{note}</p>}
    </UsageBar>
  );
}
