CREATE TABLE "cancellations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"membership_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"reason" text NOT NULL,
	"requested_by_type" text NOT NULL,
	"requested_by_id" text,
	"outside_hours" boolean NOT NULL,
	"refund_eligible" boolean NOT NULL,
	"refund_reasons" jsonb NOT NULL,
	"refund_status" text NOT NULL,
	"coverage_ends_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cancellations_number_unique" UNIQUE("number"),
	CONSTRAINT "cancellations_membership_id_unique" UNIQUE("membership_id"),
	CONSTRAINT "cancellations_channel" CHECK ("cancellations"."channel" in ('online','phone')),
	CONSTRAINT "cancellations_refund_status" CHECK ("cancellations"."refund_status" in ('not_applicable','pending','completed'))
);
--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "coverage_ends_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cancellations" ADD CONSTRAINT "cancellations_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;