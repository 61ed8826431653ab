CREATE INDEX "charge_attempts_at_brin" ON "charge_attempts" USING brin ("at");--> statement-breakpoint
CREATE INDEX "dispatch_offers_offered_brin" ON "dispatch_offers" USING brin ("offered_at");