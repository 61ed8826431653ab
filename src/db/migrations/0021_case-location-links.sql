CREATE TABLE "case_location_links" (
	"id" uuid PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"voided_at" timestamp with time zone,
	"created_by" uuid NOT NULL,
	"phone" text,
	CONSTRAINT "case_location_links_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "case_location_links_expiry" CHECK ("case_location_links"."expires_at" > "case_location_links"."created_at"),
	CONSTRAINT "case_location_links_once" CHECK ("case_location_links"."used_at" is null or "case_location_links"."voided_at" is null)
);
--> statement-breakpoint
ALTER TABLE "case_location_links" ADD CONSTRAINT "case_location_links_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_location_links" ADD CONSTRAINT "case_location_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "case_location_links_open_idx" ON "case_location_links" USING btree ("case_id") WHERE "case_location_links"."used_at" is null and "case_location_links"."voided_at" is null;