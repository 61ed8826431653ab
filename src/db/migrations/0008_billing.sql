CREATE TABLE "billing_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"trigger" text NOT NULL,
	"requested_by_type" text NOT NULL,
	"requested_by_id" text,
	"status" text NOT NULL,
	"summary" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "billing_runs_status" CHECK ("billing_runs"."status" in ('running','completed','failed')),
	CONSTRAINT "billing_runs_trigger" CHECK ("billing_runs"."trigger" in ('schedule','cli','api','test'))
);
--> statement-breakpoint
CREATE TABLE "charge_attempts" (
	"charge_id" uuid NOT NULL,
	"number" smallint NOT NULL,
	"idempotency_key" text NOT NULL,
	"card_last4" text NOT NULL,
	"status" text NOT NULL,
	"decline_code" text,
	"gateway_charge_id" text,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "charge_attempts_charge_id_number_pk" PRIMARY KEY("charge_id","number"),
	CONSTRAINT "charge_attempts_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "charge_attempts_status" CHECK ("charge_attempts"."status" in ('succeeded','declined','unknown'))
);
--> statement-breakpoint
CREATE TABLE "charges" (
	"id" uuid PRIMARY KEY NOT NULL,
	"membership_id" uuid NOT NULL,
	"period_key" text NOT NULL,
	"period_starts_at" timestamp with time zone NOT NULL,
	"period_ends_at" timestamp with time zone NOT NULL,
	"amount_centavos" integer NOT NULL,
	"base_centavos" integer NOT NULL,
	"iva_centavos" integer NOT NULL,
	"currency" text NOT NULL,
	"method" text NOT NULL,
	"status" text NOT NULL,
	"attempts" smallint NOT NULL,
	"first_failed_at" timestamp with time zone,
	"retry_at" timestamp with time zone,
	"claimed_until" timestamp with time zone,
	"card_token" text NOT NULL,
	"card_brand" text NOT NULL,
	"card_last4" text NOT NULL,
	"gateway_charge_id" text,
	"decline_code" text,
	"paid_at" timestamp with time zone,
	"refunded_centavos" integer DEFAULT 0 NOT NULL,
	"receiver_rfc" text NOT NULL,
	"receiver_name" text NOT NULL,
	"receiver_fiscal_regime" text,
	"cfdi_use" text NOT NULL,
	"payment_form" text NOT NULL,
	"payment_method" text NOT NULL,
	"run_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "charges_status" CHECK ("charges"."status" in ('pending','succeeded','failed','unknown')),
	CONSTRAINT "charges_method" CHECK ("charges"."method" in ('card','direct_debit')),
	CONSTRAINT "charges_currency" CHECK ("charges"."currency" = 'MXN'),
	CONSTRAINT "charges_amount_split" CHECK ("charges"."base_centavos" + "charges"."iva_centavos" = "charges"."amount_centavos"),
	CONSTRAINT "charges_amount_positive" CHECK ("charges"."amount_centavos" > 0),
	CONSTRAINT "charges_refunded" CHECK ("charges"."refunded_centavos" between 0 and "charges"."amount_centavos"),
	CONSTRAINT "charges_refund_needs_success" CHECK ("charges"."refunded_centavos" = 0 or "charges"."status" = 'succeeded'),
	CONSTRAINT "charges_paid" CHECK (("charges"."status" = 'succeeded') = ("charges"."paid_at" is not null)),
	CONSTRAINT "charges_payment_form" CHECK ("charges"."payment_form" in ('04','28')),
	CONSTRAINT "charges_attempts" CHECK ("charges"."attempts" >= 1)
);
--> statement-breakpoint
CREATE TABLE "refunds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"charge_id" uuid NOT NULL,
	"amount_centavos" integer NOT NULL,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"failure_reason" text,
	"gateway_refund_id" text,
	"request_key" text NOT NULL,
	"requested_by_type" text NOT NULL,
	"requested_by_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "refunds_status" CHECK ("refunds"."status" in ('pending','succeeded','failed')),
	CONSTRAINT "refunds_amount" CHECK ("refunds"."amount_centavos" > 0)
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "subject_key" text;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "next_charge_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "charge_attempts" ADD CONSTRAINT "charge_attempts_charge_id_charges_id_fk" FOREIGN KEY ("charge_id") REFERENCES "public"."charges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "charges" ADD CONSTRAINT "charges_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_charge_id_charges_id_fk" FOREIGN KEY ("charge_id") REFERENCES "public"."charges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billing_runs_started_idx" ON "billing_runs" USING btree ("started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "charges_membership_period_key" ON "charges" USING btree ("membership_id","period_key");--> statement-breakpoint
CREATE INDEX "charges_open_idx" ON "charges" USING btree ("status","id") WHERE "charges"."status" in ('pending','unknown');--> statement-breakpoint
CREATE INDEX "charges_retry_idx" ON "charges" USING btree ("retry_at") WHERE "charges"."status" = 'failed' and "charges"."retry_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "refunds_request_key" ON "refunds" USING btree ("charge_id","request_key");--> statement-breakpoint
CREATE INDEX "refunds_pending_idx" ON "refunds" USING btree ("created_at") WHERE "refunds"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "memberships_next_charge_idx" ON "memberships" USING btree ("next_charge_at") WHERE "memberships"."next_charge_at" is not null;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_subject_key_unique" UNIQUE("subject_key");--> statement-breakpoint
-- Memberships contracted before billing existed: period 1 falls due when the free months end, or
-- at contracting when there were none (the billing calendar).
UPDATE "memberships" SET "next_charge_at" = coalesce("trial_ends_at", "contracted_at") WHERE "state" <> 'cancelled';
--> statement-breakpoint
-- UUIDv7 (time-ordered, like the app's ids) for rows that set-based statements create.
CREATE OR REPLACE FUNCTION libra_uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
              placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
              from 1 for 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;
