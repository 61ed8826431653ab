CREATE TABLE "arco_oppositions" (
	"membership_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"request_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "arco_oppositions_membership_id_purpose_pk" PRIMARY KEY("membership_id","purpose")
);
--> statement-breakpoint
CREATE TABLE "arco_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"user_id" uuid NOT NULL,
	"requester_name" text NOT NULL,
	"membership_id" uuid NOT NULL,
	"type" text NOT NULL,
	"details" text NOT NULL,
	"field" text,
	"correction" text,
	"purpose" text,
	"status" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"due_date" date NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"answer" text,
	"answered_at" timestamp with time zone,
	"answered_by_id" uuid,
	"answered_by_name" text,
	"delivery" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "arco_requests_number_unique" UNIQUE("number"),
	CONSTRAINT "arco_requests_type" CHECK ("arco_requests"."type" in ('access','rectification','cancellation','opposition')),
	CONSTRAINT "arco_requests_status" CHECK ("arco_requests"."status" in ('received','accepted','refused')),
	CONSTRAINT "arco_requests_answered" CHECK (("arco_requests"."status" = 'received') = ("arco_requests"."answer" is null)),
	CONSTRAINT "arco_requests_rectification" CHECK (("arco_requests"."type" = 'rectification') = ("arco_requests"."field" is not null and "arco_requests"."correction" is not null)),
	CONSTRAINT "arco_requests_opposition" CHECK (("arco_requests"."type" = 'opposition') = ("arco_requests"."purpose" is not null))
);
--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_role";--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "personal_data_blocked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "arco_oppositions" ADD CONSTRAINT "arco_oppositions_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "arco_oppositions" ADD CONSTRAINT "arco_oppositions_request_id_arco_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."arco_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "arco_requests" ADD CONSTRAINT "arco_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "arco_requests" ADD CONSTRAINT "arco_requests_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "arco_requests" ADD CONSTRAINT "arco_requests_answered_by_id_users_id_fk" FOREIGN KEY ("answered_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "arco_requests_user_idx" ON "arco_requests" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "arco_requests_queue_idx" ON "arco_requests" USING btree ("status","due_at");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_role" CHECK ("users"."role" in ('customer','agent','supervisor','finance','admin','provider','doctor','lawyer','medical_supervisor','privacy'));