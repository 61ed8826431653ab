CREATE TABLE "member_verifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"membership_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"facts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"person" text,
	"skip_reason" text,
	"at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	CONSTRAINT "member_verifications_outcome" CHECK ("member_verifications"."outcome" in ('verified','failed','skipped'))
);
--> statement-breakpoint
ALTER TABLE "member_verifications" ADD CONSTRAINT "member_verifications_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_verifications" ADD CONSTRAINT "member_verifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "member_verifications_lookup_idx" ON "member_verifications" USING btree ("membership_id","user_id","at");