ALTER TABLE "cases" ADD COLUMN "place_precision" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "place_accuracy_m" integer;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_place_precision" CHECK ("cases"."place_precision" in ('exact','street','postal_code','municipality','state'));--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_place_accuracy" CHECK ("cases"."place_accuracy_m" >= 0);