ALTER TABLE "invoices" DROP CONSTRAINT "invoices_status";--> statement-breakpoint
ALTER TABLE "invoices" DROP CONSTRAINT "invoices_stamped";--> statement-breakpoint
DROP INDEX "invoices_refund";--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_substitute" ON "invoices" USING btree ("related_invoice_id") WHERE "invoices"."kind" <> 'credit_note' and "invoices"."status" in ('draft','stamped','cancelling');--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_refund" ON "invoices" USING btree ("refund_id") WHERE "invoices"."status" in ('draft','stamped','cancelling');--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_status" CHECK ("invoices"."status" in ('draft','stamped','cancelling','cancelled','rejected'));--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_stamped" CHECK (("invoices"."status" in ('stamped','cancelling','cancelled')) = ("invoices"."uuid" is not null));