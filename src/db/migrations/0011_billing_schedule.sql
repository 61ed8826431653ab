-- The billing schedule leaves the membership row (issue 8): advancing a period now writes one
-- narrow row and two index entries instead of the wide membership row, its five indexes and its
-- trigram search entries. One row per membership, moved here with its next due instant (null:
-- nothing more to charge); the membership column goes, so there is one source of truth.
CREATE TABLE "billing_schedule" (
	"membership_id" uuid PRIMARY KEY NOT NULL,
	"next_charge_at" timestamp with time zone
);
--> statement-breakpoint
INSERT INTO "billing_schedule" ("membership_id", "next_charge_at")
SELECT "id", "next_charge_at" FROM "memberships";--> statement-breakpoint
ALTER TABLE "charges" DROP CONSTRAINT "charges_membership_id_memberships_id_fk";
--> statement-breakpoint
DROP INDEX "memberships_next_charge_idx";--> statement-breakpoint
ALTER TABLE "billing_schedule" ADD CONSTRAINT "billing_schedule_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billing_schedule_due_idx" ON "billing_schedule" USING btree ("next_charge_at") WHERE "billing_schedule"."next_charge_at" is not null;--> statement-breakpoint
ALTER TABLE "charges" ADD CONSTRAINT "charges_membership_id_billing_schedule_membership_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."billing_schedule"("membership_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" DROP COLUMN "next_charge_at";
