CREATE TABLE "notification_preferences" (
	"membership_id" uuid PRIMARY KEY NOT NULL,
	"language" text DEFAULT 'es' NOT NULL,
	"channels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"quiet_hours" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "undeliverable_addresses" (
	"channel" text NOT NULL,
	"address" text NOT NULL,
	"reason" text NOT NULL,
	"notification_id" uuid,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "undeliverable_addresses_channel_address_pk" PRIMARY KEY("channel","address")
);
--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_subject_key_unique";--> statement-breakpoint
ALTER TABLE "notifications" ALTER COLUMN "membership_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "notification_attempts" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "notification_attempts" ADD COLUMN "receipt" text;--> statement-breakpoint
ALTER TABLE "notification_attempts" ADD COLUMN "receipt_detail" text;--> statement-breakpoint
ALTER TABLE "notification_attempts" ADD COLUMN "receipt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "provider_id" uuid;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "language" text DEFAULT 'es' NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "resend_of" uuid;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "undeliverable_addresses" ADD CONSTRAINT "undeliverable_addresses_notification_id_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "public"."notifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_resend_of_notifications_id_fk" FOREIGN KEY ("resend_of") REFERENCES "public"."notifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notification_attempts_provider_id_idx" ON "notification_attempts" USING btree ("channel","provider_message_id");--> statement-breakpoint
CREATE INDEX "notifications_membership_idx" ON "notifications" USING btree ("membership_id","created_at");--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_subject_channel_key" UNIQUE("subject_key","channel");--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_recipient" CHECK (("notifications"."membership_id" is null) <> ("notifications"."provider_id" is null));--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_language" CHECK ("notifications"."language" in ('es','en'));