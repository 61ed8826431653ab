CREATE TABLE "account_activations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"membership_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"channel" text NOT NULL,
	"sent_to" text NOT NULL,
	"failed_attempts" smallint DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_reason" text,
	"user_id" uuid,
	"ip" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "account_activations_channel" CHECK ("account_activations"."channel" in ('email','sms')),
	CONSTRAINT "account_activations_closed_reason" CHECK ("account_activations"."closed_reason" is null or "account_activations"."closed_reason" in ('used','superseded','spent'))
);
--> statement-breakpoint
ALTER TABLE "account_activations" ADD CONSTRAINT "account_activations_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_activations" ADD CONSTRAINT "account_activations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_activations_membership_idx" ON "account_activations" USING btree ("membership_id","created_at");