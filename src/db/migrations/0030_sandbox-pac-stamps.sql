CREATE TABLE "sandbox_pac_stamps" (
	"document_id" text PRIMARY KEY NOT NULL,
	"uuid" text NOT NULL,
	"xml_hash" text NOT NULL,
	"stamp" jsonb NOT NULL,
	"cancellation" jsonb
);
--> statement-breakpoint
CREATE UNIQUE INDEX "sandbox_pac_stamps_uuid" ON "sandbox_pac_stamps" USING btree ("uuid");