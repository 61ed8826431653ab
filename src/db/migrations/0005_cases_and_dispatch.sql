CREATE TABLE "case_events" (
	"case_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"state" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_id" text,
	"actor_name" text NOT NULL,
	"note" text,
	"data" jsonb NOT NULL,
	CONSTRAINT "case_events_case_id_seq_pk" PRIMARY KEY("case_id","seq")
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"membership_id" uuid NOT NULL,
	"person_id" text NOT NULL,
	"person_name" text NOT NULL,
	"service_code" text NOT NULL,
	"channel" text NOT NULL,
	"state" text NOT NULL,
	"address_text" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"state_code" text,
	"country" text NOT NULL,
	"description" text NOT NULL,
	"details" jsonb NOT NULL,
	"decision" jsonb NOT NULL,
	"reservation_id" uuid,
	"provider_id" uuid,
	"eta_minutes" integer,
	"eta_at" timestamp with time zone,
	"quote_centavos" integer,
	"covered_centavos" integer,
	"excess_centavos" integer,
	"excess_accepted_at" timestamp with time zone,
	"excess_accepted_by" text,
	"final_cost_centavos" integer,
	"needs_manual_dispatch" boolean DEFAULT false NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"dispatched_at" timestamp with time zone,
	"en_route_at" timestamp with time zone,
	"on_site_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"close_reason" text,
	"dispatch_due_at" timestamp with time zone,
	"arrival_due_at" timestamp with time zone,
	"last_seq" integer NOT NULL,
	"opened_by" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cases_number_unique" UNIQUE("number"),
	CONSTRAINT "cases_state" CHECK ("cases"."state" in ('requested','awaiting_excess_acceptance','dispatched','en_route','on_site','completed','cancelled','refused')),
	CONSTRAINT "cases_channel" CHECK ("cases"."channel" in ('phone','online','bank')),
	CONSTRAINT "cases_lat" CHECK ("cases"."lat" between -90 and 90),
	CONSTRAINT "cases_lng" CHECK ("cases"."lng" between -180 and 180)
);
--> statement-breakpoint
CREATE TABLE "sla_targets" (
	"service_code" text PRIMARY KEY NOT NULL,
	"dispatch_minutes" integer NOT NULL,
	"arrival_minutes" integer,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dispatch_offers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"provider_id" uuid NOT NULL,
	"status" text NOT NULL,
	"attempt" integer NOT NULL,
	"distance_km" double precision NOT NULL,
	"eta_minutes" integer NOT NULL,
	"offered_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"responded_at" timestamp with time zone,
	"quote_centavos" integer,
	"decline_reason" text,
	CONSTRAINT "dispatch_offers_status" CHECK ("dispatch_offers"."status" in ('pending','accepted','declined','expired','withdrawn'))
);
--> statement-breakpoint
CREATE TABLE "providers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"phone" text NOT NULL,
	"services" text[] NOT NULL,
	"coverage_kind" text NOT NULL,
	"coverage_center_lat" double precision,
	"coverage_center_lng" double precision,
	"coverage_radius_km" double precision,
	"coverage_states" text[],
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"location_updated_at" timestamp with time zone NOT NULL,
	"available" boolean NOT NULL,
	"capacity" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "providers_name_unique" UNIQUE("name"),
	CONSTRAINT "providers_coverage_kind" CHECK ("providers"."coverage_kind" in ('radius','states')),
	CONSTRAINT "providers_coverage_shape" CHECK (("providers"."coverage_kind" = 'radius' and "providers"."coverage_center_lat" is not null and "providers"."coverage_center_lng" is not null and "providers"."coverage_radius_km" > 0)
       or ("providers"."coverage_kind" = 'states' and cardinality("providers"."coverage_states") > 0)),
	CONSTRAINT "providers_lat" CHECK ("providers"."lat" between -90 and 90),
	CONSTRAINT "providers_lng" CHECK ("providers"."lng" between -180 and 180),
	CONSTRAINT "providers_capacity" CHECK ("providers"."capacity" >= 1)
);
--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispatch_offers" ADD CONSTRAINT "dispatch_offers_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispatch_offers" ADD CONSTRAINT "dispatch_offers_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_membership_idx" ON "cases" USING btree ("membership_id","requested_at");--> statement-breakpoint
CREATE INDEX "cases_open_idx" ON "cases" USING btree ("state","requested_at") WHERE "cases"."state" not in ('completed','cancelled','refused');--> statement-breakpoint
CREATE INDEX "cases_provider_idx" ON "cases" USING btree ("provider_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "dispatch_offers_one_pending_idx" ON "dispatch_offers" USING btree ("case_id") WHERE "dispatch_offers"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "dispatch_offers_one_accepted_idx" ON "dispatch_offers" USING btree ("case_id") WHERE "dispatch_offers"."status" = 'accepted';--> statement-breakpoint
CREATE INDEX "dispatch_offers_provider_idx" ON "dispatch_offers" USING btree ("provider_id","status");--> statement-breakpoint
CREATE INDEX "providers_services_idx" ON "providers" USING gin ("services");--> statement-breakpoint
ALTER TABLE "usage_ledger" ADD CONSTRAINT "usage_ledger_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- A case's timeline is append-only, like the audit log and a membership's history.
CREATE TRIGGER case_events_no_update_delete
  BEFORE UPDATE OR DELETE ON case_events
  FOR EACH ROW EXECUTE FUNCTION append_only_refuse_change();
--> statement-breakpoint
-- Default SLA targets (minutes from the request); admins change them through the API.
INSERT INTO sla_targets (service_code, dispatch_minutes, arrival_minutes, updated_at) VALUES
  ('tow-truck', 15, 45, now()),
  ('land-ambulance', 5, 20, now()),
  ('home-nurse', 30, 180, now()),
  ('medical-equipment-rental', 60, 360, now()),
  ('home-plumbing', 30, 180, now()),
  ('home-locksmith', 20, 90, now()),
  ('home-electrician', 30, 180, now()),
  ('home-glazier', 30, 240, now())
ON CONFLICT (service_code) DO NOTHING;
