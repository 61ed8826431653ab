CREATE TABLE "case_documents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"uploaded_by" text NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "case_documents_type" CHECK ("case_documents"."content_type" in ('application/pdf','image/jpeg','image/png'))
);
--> statement-breakpoint
CREATE TABLE "case_notes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"author_id" uuid NOT NULL,
	"author_name" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "case_notes_kind" CHECK ("case_notes"."kind" in ('medical','legal'))
);
--> statement-breakpoint
CREATE TABLE "sandbox_payouts" (
	"id" text PRIMARY KEY NOT NULL,
	"card_token" text NOT NULL,
	"amount_centavos" integer NOT NULL,
	"idempotency_key" text NOT NULL,
	"description" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sandbox_payouts_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "sandbox_payouts_amount" CHECK ("sandbox_payouts"."amount_centavos" > 0)
);
--> statement-breakpoint
ALTER TABLE "cases" DROP CONSTRAINT "cases_state";--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_role";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "taken_by" uuid;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "approved_centavos" integer;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "payout_reference" text;--> statement-breakpoint
ALTER TABLE "case_documents" ADD CONSTRAINT "case_documents_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_notes" ADD CONSTRAINT "case_notes_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_documents_case_idx" ON "case_documents" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "case_notes_case_idx" ON "case_notes" USING btree ("case_id");--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_state" CHECK ("cases"."state" in ('requested','awaiting_excess_acceptance','dispatched','en_route','on_site','completed','booked','attended','no_show','in_consultation','under_review','approved','paid','rejected','cancelled','refused'));--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_role" CHECK ("users"."role" in ('customer','agent','supervisor','finance','admin','provider','doctor','lawyer','medical_supervisor'));--> statement-breakpoint
-- Professionals' notes are kept as written.
CREATE TRIGGER case_notes_no_update_delete
  BEFORE UPDATE OR DELETE ON case_notes
  FOR EACH ROW EXECUTE FUNCTION append_only_refuse_change();
--> statement-breakpoint
-- Remote consultations: minutes for an on-duty professional to take the request.
INSERT INTO sla_targets (service_code, dispatch_minutes, arrival_minutes, updated_at) VALUES
  ('online-doctor', 15, NULL, now()),
  ('legal-advice', 15, NULL, now()),
  ('medical-discounts', 60, NULL, now())
ON CONFLICT (service_code) DO NOTHING;
