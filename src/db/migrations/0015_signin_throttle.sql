ALTER TABLE "users" ADD COLUMN "sign_in_unlocked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "sign_in_attack_reported_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "login_attempts_pair_idx" ON "login_attempts" USING btree ("email","ip","at");