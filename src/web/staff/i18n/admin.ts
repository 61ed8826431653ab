/** The staff apps' strings for the admin area (keys start with `admin.`). */
export const es = {};

export const en: Record<keyof typeof es, string> = {};
