CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"case_id" uuid,
	"membership_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"channel" text NOT NULL,
	"send_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"body_es" text NOT NULL,
	"body_en" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notifications_status" CHECK ("notifications"."status" in ('pending','sent','cancelled'))
);
--> statement-breakpoint
CREATE TABLE "provider_slots" (
	"id" uuid PRIMARY KEY NOT NULL,
	"provider_id" uuid NOT NULL,
	"service_code" text NOT NULL,
	"specialty" text,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"capacity" integer NOT NULL,
	"booked" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "provider_slots_booked" CHECK ("provider_slots"."booked" between 0 and "provider_slots"."capacity"),
	CONSTRAINT "provider_slots_span" CHECK ("provider_slots"."ends_at" > "provider_slots"."starts_at")
);
--> statement-breakpoint
ALTER TABLE "cases" DROP CONSTRAINT "cases_state";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "fulfilment" text DEFAULT 'dispatch' NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "slot_id" uuid;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "appointment_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "fulfilment" text DEFAULT 'dispatch' NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_slots" ADD CONSTRAINT "provider_slots_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notifications_due_idx" ON "notifications" USING btree ("status","send_at");--> statement-breakpoint
CREATE INDEX "notifications_case_idx" ON "notifications" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "provider_slots_lookup_idx" ON "provider_slots" USING btree ("provider_id","service_code","starts_at");--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_state" CHECK ("cases"."state" in ('requested','awaiting_excess_acceptance','dispatched','en_route','on_site','completed','booked','attended','no_show','cancelled','refused'));--> statement-breakpoint
-- How each seeded service is fulfilled (the catalog seed keeps this up to date too).
UPDATE services SET fulfilment = 'remote' WHERE code IN ('online-doctor', 'legal-advice', 'medical-discounts');
--> statement-breakpoint
UPDATE services SET fulfilment = 'appointment' WHERE code IN ('specialist-consultation', 'home-nurse', 'medical-equipment-rental');
--> statement-breakpoint
UPDATE services SET fulfilment = 'reimbursement' WHERE code = 'atm-robbery-protection';
