CREATE TABLE "invoice_charges" (
	"charge_id" uuid PRIMARY KEY NOT NULL,
	"invoice_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoice_series" (
	"series" text PRIMARY KEY NOT NULL,
	"next_folio" integer NOT NULL,
	CONSTRAINT "invoice_series_next" CHECK ("invoice_series"."next_folio" >= 1)
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"kind" text NOT NULL,
	"series" text NOT NULL,
	"folio" integer NOT NULL,
	"membership_id" uuid,
	"refund_id" uuid,
	"period_key" text,
	"receiver" jsonb NOT NULL,
	"status" text NOT NULL,
	"uuid" text,
	"xml" text NOT NULL,
	"base_centavos" integer NOT NULL,
	"iva_centavos" integer NOT NULL,
	"total_centavos" integer NOT NULL,
	"payment_form" text NOT NULL,
	"related_invoice_id" uuid,
	"related_uuid" text,
	"demo" boolean NOT NULL,
	"pac" text NOT NULL,
	"rejection" text,
	"cancellation_reason" text,
	"substitute_uuid" text,
	"created_at" timestamp with time zone NOT NULL,
	"stamped_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	CONSTRAINT "invoices_type" CHECK ("invoices"."type" in ('I','E')),
	CONSTRAINT "invoices_kind" CHECK ("invoices"."kind" in ('invoice','global','credit_note')),
	CONSTRAINT "invoices_status" CHECK ("invoices"."status" in ('draft','stamped','cancelled','rejected')),
	CONSTRAINT "invoices_split" CHECK ("invoices"."base_centavos" + "invoices"."iva_centavos" = "invoices"."total_centavos"),
	CONSTRAINT "invoices_stamped" CHECK (("invoices"."status" in ('stamped','cancelled')) = ("invoices"."uuid" is not null)),
	CONSTRAINT "invoices_credit_note" CHECK (("invoices"."kind" = 'credit_note') = ("invoices"."refund_id" is not null)),
	CONSTRAINT "invoices_cancellation_reason" CHECK ("invoices"."cancellation_reason" in ('01','02','03','04'))
);
--> statement-breakpoint
CREATE TABLE "membership_fiscal_data" (
	"membership_id" uuid PRIMARY KEY NOT NULL,
	"rfc" text NOT NULL,
	"name" text NOT NULL,
	"fiscal_regime" text NOT NULL,
	"postal_code" text NOT NULL,
	"cfdi_use" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invoice_charges" ADD CONSTRAINT "invoice_charges_charge_id_charges_id_fk" FOREIGN KEY ("charge_id") REFERENCES "public"."charges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_charges" ADD CONSTRAINT "invoice_charges_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_refund_id_refunds_id_fk" FOREIGN KEY ("refund_id") REFERENCES "public"."refunds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "membership_fiscal_data" ADD CONSTRAINT "membership_fiscal_data_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoice_charges_invoice_idx" ON "invoice_charges" USING btree ("invoice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_series_folio" ON "invoices" USING btree ("series","folio");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_refund" ON "invoices" USING btree ("refund_id") WHERE "invoices"."status" <> 'rejected';--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_global_period" ON "invoices" USING btree ("period_key") WHERE "invoices"."kind" = 'global' and "invoices"."status" in ('draft','stamped');--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_uuid" ON "invoices" USING btree ("uuid");--> statement-breakpoint
CREATE INDEX "invoices_membership_idx" ON "invoices" USING btree ("membership_id","created_at");--> statement-breakpoint
CREATE INDEX "invoices_drafts_idx" ON "invoices" USING btree ("created_at") WHERE "invoices"."status" = 'draft';