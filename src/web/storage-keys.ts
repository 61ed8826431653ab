/** What the web keeps in localStorage: shared by the app and the plan page's small script. */
/** The language the person chose ('es' | 'en'). */
export const LANG_KEY = 'libra.lang';
/** '1' while a customer is signed in on this browser (the header says "Mi cuenta"). */
export const SIGNED_IN_HINT = 'libra.signedIn';
