/**
 * Text Libra will not store. PostgreSQL's text and jsonb cannot hold U+0000 at all (the insert
 * fails); the other C0 control characters (all but tab, line feed and carriage return) and DEL are
 * invisible, nobody types them, and they break what text is later written into — logs, CSV exports,
 * XML receipts (XML 1.0 forbids them). A lone UTF-16 surrogate is not a character: it would be
 * stored silently changed to U+FFFD. Everything else, C1 controls included, is text.
 */
const UNSTORABLE_SOURCE =
  '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const UNSTORABLE = new RegExp(UNSTORABLE_SOURCE);
const UNSTORABLE_ALL = new RegExp(UNSTORABLE_SOURCE, 'g');

/** Longest piece of a key shown in a field's path: the path names the field, it does not echo it. */
const KEY_SHOWN = 64;

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/**
 * The JSON-pointer-like path (`/place/address`, `/services/0/rules`) of the first string in `value`
 * — searched through arrays and objects, keys included — that is not storable text; null when all
 * are. Iterative, so no depth of nesting can overflow the stack.
 */
export function unstorableTextAt(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [item, path] = stack.pop() as [unknown, string];
    if (typeof item === 'string') {
      if (!isStorableText(item)) return path;
    } else if (item !== null && typeof item === 'object' && !Buffer.isBuffer(item)) {
      const entries: [string, unknown][] = Array.isArray(item)
        ? item.map((child, i) => [String(i), child])
        : Object.entries(item);
      // Pushed last to first, so the first field in the document is reported first.
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        const at = `${path}/${key.replace(UNSTORABLE_ALL, '?').slice(0, KEY_SHOWN)}`;
        // A key is the field's name: a bad one is reported as the field it names.
        if (!isStorableText(key)) return at;
        stack.push([child, at]);
      }
    }
  }
  return null;
}
