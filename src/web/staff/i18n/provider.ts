/** The staff apps' strings for the provider area (keys start with `provider.`). */
export const es = {};

export const en: Record<keyof typeof es, string> = {};
