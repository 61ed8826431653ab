CREATE TABLE "sandbox_card_tokens" (
	"id" uuid PRIMARY KEY NOT NULL,
	"token" text NOT NULL,
	"brand" text NOT NULL,
	"type" text NOT NULL,
	"last4" text NOT NULL,
	"exp_month" integer NOT NULL,
	"exp_year" integer NOT NULL,
	"behaviour" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sandbox_card_tokens_token_unique" UNIQUE("token"),
	CONSTRAINT "sandbox_card_tokens_brand" CHECK ("sandbox_card_tokens"."brand" in ('visa','mastercard','amex','carnet','unknown')),
	CONSTRAINT "sandbox_card_tokens_type" CHECK ("sandbox_card_tokens"."type" in ('credit','debit')),
	CONSTRAINT "sandbox_card_tokens_last4" CHECK ("sandbox_card_tokens"."last4" ~ '^[0-9]{4}$'),
	CONSTRAINT "sandbox_card_tokens_exp_month" CHECK ("sandbox_card_tokens"."exp_month" between 1 and 12),
	CONSTRAINT "sandbox_card_tokens_behaviour" CHECK ("sandbox_card_tokens"."behaviour" in ('approve','decline_card_declined','decline_insufficient_funds','decline_expired_card','timeout'))
);
--> statement-breakpoint
CREATE TABLE "sandbox_charges" (
	"id" uuid PRIMARY KEY NOT NULL,
	"gateway_charge_id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"token" text NOT NULL,
	"amount_centavos" bigint NOT NULL,
	"currency" text NOT NULL,
	"description" text NOT NULL,
	"status" text NOT NULL,
	"decline_code" text,
	"timed_out" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sandbox_charges_gateway_charge_id_unique" UNIQUE("gateway_charge_id"),
	CONSTRAINT "sandbox_charges_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "sandbox_charges_amount" CHECK ("sandbox_charges"."amount_centavos" > 0),
	CONSTRAINT "sandbox_charges_currency" CHECK ("sandbox_charges"."currency" = 'MXN'),
	CONSTRAINT "sandbox_charges_status" CHECK ("sandbox_charges"."status" in ('succeeded','declined')),
	CONSTRAINT "sandbox_charges_decline_code" CHECK (("sandbox_charges"."status" = 'declined') = ("sandbox_charges"."decline_code" is not null))
);
--> statement-breakpoint
CREATE TABLE "sandbox_refunds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"gateway_refund_id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"charge_id" uuid NOT NULL,
	"amount_centavos" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sandbox_refunds_gateway_refund_id_unique" UNIQUE("gateway_refund_id"),
	CONSTRAINT "sandbox_refunds_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "sandbox_refunds_amount" CHECK ("sandbox_refunds"."amount_centavos" > 0)
);
--> statement-breakpoint
ALTER TABLE "sandbox_charges" ADD CONSTRAINT "sandbox_charges_token_sandbox_card_tokens_token_fk" FOREIGN KEY ("token") REFERENCES "public"."sandbox_card_tokens"("token") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sandbox_refunds" ADD CONSTRAINT "sandbox_refunds_charge_id_sandbox_charges_id_fk" FOREIGN KEY ("charge_id") REFERENCES "public"."sandbox_charges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sandbox_refunds_charge_idx" ON "sandbox_refunds" USING btree ("charge_id");