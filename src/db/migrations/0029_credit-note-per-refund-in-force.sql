DROP INDEX "invoices_refund";--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_refund" ON "invoices" USING btree ("refund_id") WHERE "invoices"."status" in ('draft','stamped');