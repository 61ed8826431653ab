-- Phones are kept in E.164 (src/lib/phone.ts, issue 23): the titulars' 10 national digits, the
-- providers' and the callback numbers as typed become +52 and their 10 digits. A number that is not
-- a Mexican 10-digit one (with or without 52, or the old mobile 521) is left as it was.
UPDATE "memberships" SET "titular_phone" = '+52' || "titular_phone" WHERE "titular_phone" ~ '^[1-9][0-9]{9}$';--> statement-breakpoint
UPDATE "providers" SET "phone" = '+52' || right(regexp_replace("phone", '[^0-9]', '', 'g'), 10)
  WHERE regexp_replace("phone", '[^0-9]', '', 'g') ~ '^(521?)?[1-9][0-9]{9}$';--> statement-breakpoint
UPDATE "cases" SET "details" = jsonb_set("details", '{callbackPhone}',
    to_jsonb('+52' || right(regexp_replace("details"->>'callbackPhone', '[^0-9]', '', 'g'), 10)))
  WHERE regexp_replace("details"->>'callbackPhone', '[^0-9]', '', 'g') ~ '^(521?)?[1-9][0-9]{9}$';
