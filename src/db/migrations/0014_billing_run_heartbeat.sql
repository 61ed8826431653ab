ALTER TABLE "billing_runs" DROP CONSTRAINT "billing_runs_status";--> statement-breakpoint
ALTER TABLE "billing_runs" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "charges" ADD COLUMN "claimed_by" uuid;--> statement-breakpoint
ALTER TABLE "billing_runs" ADD CONSTRAINT "billing_runs_status" CHECK ("billing_runs"."status" in ('running','completed','failed','interrupted'));