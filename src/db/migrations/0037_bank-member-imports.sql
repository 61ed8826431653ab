CREATE TABLE "import_errors" (
	"id" uuid PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"column" text NOT NULL,
	"code" text NOT NULL,
	"reference" text,
	"reason_es" text NOT NULL,
	"reason_en" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"file_name" text,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"status" text NOT NULL,
	"stop_code" text,
	"stop_line" integer,
	"bytes_read" bigint DEFAULT 0 NOT NULL,
	"rows" integer DEFAULT 0 NOT NULL,
	"imported" integer DEFAULT 0 NOT NULL,
	"already_imported" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "import_runs_kind" CHECK ("import_runs"."kind" in ('members')),
	CONSTRAINT "import_runs_source" CHECK ("import_runs"."source" in ('cli','api')),
	CONSTRAINT "import_runs_status" CHECK ("import_runs"."status" in ('running','completed','stopped'))
);
--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "bank_reference" text;--> statement-breakpoint
ALTER TABLE "import_errors" ADD CONSTRAINT "import_errors_run_id_import_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."import_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "import_errors_run_idx" ON "import_errors" USING btree ("run_id","line","id");--> statement-breakpoint
CREATE INDEX "import_runs_started_idx" ON "import_runs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "memberships_live_email_idx" ON "memberships" USING btree ("titular_email") WHERE "memberships"."state" <> 'cancelled';--> statement-breakpoint
CREATE INDEX "memberships_live_curp_idx" ON "memberships" USING btree ("titular_curp") WHERE "memberships"."state" <> 'cancelled';--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_bank_reference_key" UNIQUE("bank_reference");