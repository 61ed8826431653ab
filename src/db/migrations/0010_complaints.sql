CREATE TABLE "complaint_events" (
	"complaint_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"actor_name" text NOT NULL,
	"note" text,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "complaint_events_complaint_id_seq_pk" PRIMARY KEY("complaint_id","seq")
);
--> statement-breakpoint
CREATE TABLE "complaints" (
	"id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"membership_id" uuid NOT NULL,
	"case_id" uuid,
	"charge_id" uuid,
	"category" text NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"text" text NOT NULL,
	"owner_id" uuid,
	"owner_name" text,
	"due_at" timestamp with time zone NOT NULL,
	"resolution" text,
	"resolved_at" timestamp with time zone,
	"resolved_by_id" uuid,
	"resolved_by_name" text,
	"escalated_at" timestamp with time zone,
	"filed_by_type" text NOT NULL,
	"filed_by_id" text,
	"filed_by_name" text NOT NULL,
	"last_seq" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "complaints_number_unique" UNIQUE("number"),
	CONSTRAINT "complaints_status" CHECK ("complaints"."status" in ('open','in_progress','resolved','escalated')),
	CONSTRAINT "complaints_category" CHECK ("complaints"."category" in ('service_quality','provider_conduct','charge','cancellation','data_privacy','other')),
	CONSTRAINT "complaints_channel" CHECK ("complaints"."channel" in ('online','phone','email','in_person','api')),
	CONSTRAINT "complaints_resolved" CHECK (("complaints"."status" = 'resolved') = ("complaints"."resolution" is not null))
);
--> statement-breakpoint
ALTER TABLE "complaint_events" ADD CONSTRAINT "complaint_events_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_charge_id_charges_id_fk" FOREIGN KEY ("charge_id") REFERENCES "public"."charges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_resolved_by_id_users_id_fk" FOREIGN KEY ("resolved_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "complaints_membership_idx" ON "complaints" USING btree ("membership_id","id");--> statement-breakpoint
CREATE INDEX "complaints_status_idx" ON "complaints" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "complaints_owner_idx" ON "complaints" USING btree ("owner_id","id");--> statement-breakpoint
CREATE INDEX "complaints_due_idx" ON "complaints" USING btree ("due_at") WHERE "complaints"."status" in ('open','in_progress');--> statement-breakpoint
-- A complaint's timeline is append-only, like a case's and the audit log.
CREATE TRIGGER complaint_events_no_update_delete
  BEFORE UPDATE OR DELETE ON complaint_events
  FOR EACH ROW EXECUTE FUNCTION append_only_refuse_change();
