CREATE TABLE "test_clocks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"frozen_time" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"advancing_to" timestamp with time zone,
	"advancing_until" timestamp with time zone,
	"api_key_id" uuid,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "test_clocks_status" CHECK ("test_clocks"."status" in ('ready','advancing')),
	CONSTRAINT "test_clocks_owner" CHECK (("test_clocks"."api_key_id" is null) <> ("test_clocks"."created_by_user_id" is null))
);
--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_status";--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "test_clock_id" uuid;--> statement-breakpoint
ALTER TABLE "test_clocks" ADD CONSTRAINT "test_clocks_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "test_clocks" ADD CONSTRAINT "test_clocks_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "test_clocks_api_key_idx" ON "test_clocks" USING btree ("api_key_id","created_at");--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_test_clock_id_test_clocks_id_fk" FOREIGN KEY ("test_clock_id") REFERENCES "public"."test_clocks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "memberships_test_clock_idx" ON "memberships" USING btree ("test_clock_id") WHERE "memberships"."test_clock_id" is not null;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_status" CHECK ("notifications"."status" in ('pending','sent','cancelled','failed','unconfigured','test'));