CREATE SEQUENCE "public"."receipt_folio_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
ALTER TABLE "charges" ADD COLUMN "receipt_folio" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "unit_driver_name" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "unit_vehicle" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "unit_plates" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "rating_score" smallint;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "rating_comment" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "rated_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "charges_created_idx" ON "charges" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "cases_rated_idx" ON "cases" USING btree ("rated_at") WHERE "cases"."rated_at" is not null;--> statement-breakpoint
-- Hand-written back-fill (keep it when regenerating): paid charges get their folios in the order they were paid, then the sequence continues after them.
UPDATE "charges" c SET "receipt_folio" = 'REC-' || to_char(c."paid_at" at time zone 'America/Mexico_City', 'YYYY') || '-' || lpad(n.rn::text, greatest(6, length(n.rn::text)), '0') FROM (SELECT "id", row_number() OVER (ORDER BY "paid_at", "id") AS rn FROM "charges" WHERE "status" = 'succeeded') n WHERE n."id" = c."id";--> statement-breakpoint
SELECT setval('receipt_folio_seq', (SELECT count(*) + 1 FROM "charges" WHERE "status" = 'succeeded'), false);--> statement-breakpoint
ALTER TABLE "charges" ADD CONSTRAINT "charges_receipt_folio_unique" UNIQUE("receipt_folio");--> statement-breakpoint
ALTER TABLE "charges" ADD CONSTRAINT "charges_receipt_folio" CHECK (("charges"."status" = 'succeeded') = ("charges"."receipt_folio" is not null));--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_rating_score" CHECK ("cases"."rating_score" between 1 and 5);--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_rating_given" CHECK (("cases"."rating_score" is null) = ("cases"."rated_at" is null));--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_rating_completed" CHECK ("cases"."rated_at" is null or "cases"."state" = 'completed');