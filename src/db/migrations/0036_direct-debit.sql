CREATE TABLE "direct_debit_collections" (
	"reference" text PRIMARY KEY NOT NULL,
	"charge_id" uuid NOT NULL,
	"attempt" smallint NOT NULL,
	"membership_number" text NOT NULL,
	"period_key" text NOT NULL,
	"card_token" text NOT NULL,
	"amount_centavos" integer NOT NULL,
	"collection_date" text NOT NULL,
	"file_date" text,
	"result" text,
	"reason_code" text,
	"answered_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "direct_debit_collections_result" CHECK ("direct_debit_collections"."result" is null or "direct_debit_collections"."result" in ('approved','rejected')),
	CONSTRAINT "direct_debit_collections_answer" CHECK (("direct_debit_collections"."result" is null) = ("direct_debit_collections"."answered_at" is null) and ("direct_debit_collections"."result" is null or "direct_debit_collections"."file_date" is not null))
);
--> statement-breakpoint
CREATE TABLE "direct_debit_files" (
	"file_date" text PRIMARY KEY NOT NULL,
	"lines" integer NOT NULL,
	"amount_centavos" integer NOT NULL,
	"first_exported_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "charges" DROP CONSTRAINT "charges_status";--> statement-breakpoint
ALTER TABLE "direct_debit_collections" ADD CONSTRAINT "direct_debit_collections_charge_id_charges_id_fk" FOREIGN KEY ("charge_id") REFERENCES "public"."charges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "direct_debit_collections_attempt" ON "direct_debit_collections" USING btree ("charge_id","attempt");--> statement-breakpoint
CREATE INDEX "direct_debit_collections_unsent_idx" ON "direct_debit_collections" USING btree ("collection_date") WHERE "direct_debit_collections"."file_date" is null;--> statement-breakpoint
CREATE INDEX "direct_debit_collections_file_idx" ON "direct_debit_collections" USING btree ("file_date","reference");--> statement-breakpoint
ALTER TABLE "charges" ADD CONSTRAINT "charges_status" CHECK ("charges"."status" in ('pending','succeeded','failed','unknown','collecting'));