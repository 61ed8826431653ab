CREATE TABLE "plan_version_services" (
	"id" uuid PRIMARY KEY NOT NULL,
	"plan_version_id" uuid NOT NULL,
	"service_code" text NOT NULL,
	"position" integer NOT NULL,
	"rules" jsonb NOT NULL,
	"illustrative" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"plan_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"currency" text DEFAULT 'MXN' NOT NULL,
	"price_total_centavos" bigint NOT NULL,
	"price_base_centavos" bigint NOT NULL,
	"price_iva_centavos" bigint NOT NULL,
	"online_trial_months" integer DEFAULT 0 NOT NULL,
	"illustrative" boolean DEFAULT false NOT NULL,
	"summary_es" text DEFAULT '' NOT NULL,
	"summary_en" text DEFAULT '' NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plan_versions_price_split" CHECK ("plan_versions"."price_base_centavos" + "plan_versions"."price_iva_centavos" = "plan_versions"."price_total_centavos"),
	CONSTRAINT "plan_versions_price_nonnegative" CHECK ("plan_versions"."price_base_centavos" >= 0 and "plan_versions"."price_iva_centavos" >= 0)
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plans_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "services" (
	"code" text PRIMARY KEY NOT NULL,
	"category" text NOT NULL,
	"name_es" text NOT NULL,
	"name_en" text NOT NULL,
	"description_es" text DEFAULT '' NOT NULL,
	"description_en" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "number_sequences" (
	"prefix" text NOT NULL,
	"year" integer NOT NULL,
	"last" bigint NOT NULL,
	CONSTRAINT "number_sequences_prefix_year_pk" PRIMARY KEY("prefix","year")
);
--> statement-breakpoint
ALTER TABLE "plan_version_services" ADD CONSTRAINT "plan_version_services_plan_version_id_plan_versions_id_fk" FOREIGN KEY ("plan_version_id") REFERENCES "public"."plan_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_version_services" ADD CONSTRAINT "plan_version_services_service_code_services_code_fk" FOREIGN KEY ("service_code") REFERENCES "public"."services"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_versions" ADD CONSTRAINT "plan_versions_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "plan_version_services_key" ON "plan_version_services" USING btree ("plan_version_id","service_code");--> statement-breakpoint
CREATE UNIQUE INDEX "plan_versions_plan_version_key" ON "plan_versions" USING btree ("plan_id","version");