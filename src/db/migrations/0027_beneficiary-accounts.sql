CREATE TABLE "beneficiary_invitations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"membership_id" uuid NOT NULL,
	"beneficiary_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"channel" text NOT NULL,
	"sent_to" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_reason" text,
	"user_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "beneficiary_invitations_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "beneficiary_invitations_channel" CHECK ("beneficiary_invitations"."channel" in ('email','sms')),
	CONSTRAINT "beneficiary_invitations_closed_reason" CHECK ("beneficiary_invitations"."closed_reason" is null or "beneficiary_invitations"."closed_reason" in ('used','superseded','revoked'))
);
--> statement-breakpoint
CREATE TABLE "beneficiary_accounts" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"membership_id" uuid NOT NULL,
	"beneficiary_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "beneficiary_invitations" ADD CONSTRAINT "beneficiary_invitations_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beneficiary_invitations" ADD CONSTRAINT "beneficiary_invitations_beneficiary_id_beneficiaries_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiaries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beneficiary_invitations" ADD CONSTRAINT "beneficiary_invitations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beneficiary_accounts" ADD CONSTRAINT "beneficiary_accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beneficiary_accounts" ADD CONSTRAINT "beneficiary_accounts_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beneficiary_accounts" ADD CONSTRAINT "beneficiary_accounts_beneficiary_id_beneficiaries_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiaries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "beneficiary_invitations_person_idx" ON "beneficiary_invitations" USING btree ("beneficiary_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "beneficiary_accounts_one_live" ON "beneficiary_accounts" USING btree ("beneficiary_id") WHERE "beneficiary_accounts"."revoked_at" is null;