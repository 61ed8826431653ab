-- Trigram search over members (name, email, phone, number, card last 4). Trusted extension.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE TABLE "usage_ledger" (
	"id" uuid PRIMARY KEY NOT NULL,
	"membership_id" uuid NOT NULL,
	"service_code" text NOT NULL,
	"usage_key" text,
	"person_id" text NOT NULL,
	"membership_year" integer NOT NULL,
	"status" text NOT NULL,
	"case_id" uuid,
	"reserved_at" timestamp with time zone NOT NULL,
	"confirmed_at" timestamp with time zone,
	"released_at" timestamp with time zone,
	"release_reason" text,
	CONSTRAINT "usage_ledger_status" CHECK ("usage_ledger"."status" in ('reserved','confirmed','released'))
);
--> statement-breakpoint
CREATE TABLE "beneficiaries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"membership_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"full_name" text NOT NULL,
	"birth_date" date,
	"card_last4" text,
	"added_at" timestamp with time zone NOT NULL,
	"removed_at" timestamp with time zone,
	CONSTRAINT "beneficiaries_kind" CHECK ("beneficiaries"."kind" in ('spouse','child','additional_cardholder'))
);
--> statement-breakpoint
CREATE TABLE "consents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"membership_id" uuid NOT NULL,
	"document" text NOT NULL,
	"version" text NOT NULL,
	"accepted_at" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"ip" text,
	CONSTRAINT "consents_document" CHECK ("consents"."document" in ('terms','privacy_notice'))
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"operation" text NOT NULL,
	"fingerprint" text NOT NULL,
	"status" integer NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_scope_key_pk" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
CREATE TABLE "membership_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"membership_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"type" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"reason" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"plan_version_id" uuid NOT NULL,
	"state" text NOT NULL,
	"channel" text NOT NULL,
	"titular_user_id" uuid,
	"titular_name" text NOT NULL,
	"titular_email" text NOT NULL,
	"titular_phone" text NOT NULL,
	"titular_birth_date" date NOT NULL,
	"titular_rfc" text,
	"titular_curp" text,
	"card_token" text NOT NULL,
	"card_brand" text NOT NULL,
	"card_type" text NOT NULL,
	"card_last4" text NOT NULL,
	"card_exp_month" smallint NOT NULL,
	"card_exp_year" smallint NOT NULL,
	"contracted_at" timestamp with time zone NOT NULL,
	"trial_ends_at" timestamp with time zone,
	"billing_day" smallint NOT NULL,
	"cancelled_at" timestamp with time zone,
	"search_text" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "memberships_number_unique" UNIQUE("number"),
	CONSTRAINT "memberships_state" CHECK ("memberships"."state" in ('trial','active','past_due','suspended','cancelled')),
	CONSTRAINT "memberships_channel" CHECK ("memberships"."channel" in ('online','phone','bank')),
	CONSTRAINT "memberships_card_type" CHECK ("memberships"."card_type" in ('credit','debit')),
	CONSTRAINT "memberships_billing_day" CHECK ("memberships"."billing_day" between 1 and 31)
);
--> statement-breakpoint
ALTER TABLE "usage_ledger" ADD CONSTRAINT "usage_ledger_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beneficiaries" ADD CONSTRAINT "beneficiaries_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "membership_events" ADD CONSTRAINT "membership_events_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_plan_version_id_plan_versions_id_fk" FOREIGN KEY ("plan_version_id") REFERENCES "public"."plan_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_titular_user_id_users_id_fk" FOREIGN KEY ("titular_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "usage_ledger_counting_idx" ON "usage_ledger" USING btree ("membership_id","membership_year","service_code") WHERE "usage_ledger"."status" <> 'released';--> statement-breakpoint
CREATE INDEX "beneficiaries_membership_idx" ON "beneficiaries" USING btree ("membership_id");--> statement-breakpoint
CREATE UNIQUE INDEX "beneficiaries_one_spouse" ON "beneficiaries" USING btree ("membership_id") WHERE "beneficiaries"."kind" = 'spouse' and "beneficiaries"."removed_at" is null;--> statement-breakpoint
CREATE INDEX "membership_events_membership_idx" ON "membership_events" USING btree ("membership_id","at");--> statement-breakpoint
CREATE INDEX "memberships_titular_user_idx" ON "memberships" USING btree ("titular_user_id");--> statement-breakpoint
CREATE INDEX "memberships_search_trgm_idx" ON "memberships" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
-- A membership's history is append-only, like the audit log.
CREATE OR REPLACE FUNCTION append_only_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER membership_events_no_update_delete
  BEFORE UPDATE OR DELETE ON membership_events
  FOR EACH ROW EXECUTE FUNCTION append_only_refuse_change();
