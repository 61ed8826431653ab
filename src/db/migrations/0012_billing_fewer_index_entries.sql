-- Fewer index entries and locks per charge in the billing run (issue 8's benchmark):
-- charge_attempts.idempotency_key is attemptKey(charge_id, number), unique because the primary key
-- is, so its own unique index only cost an entry per attempt; the sandbox's charges take their token
-- from a join with the sandbox's tokens, and the foreign key's check share-locked the token's row
-- once per charge (one row for all, in the benchmark).
ALTER TABLE "charge_attempts" DROP CONSTRAINT "charge_attempts_idempotency_key_unique";--> statement-breakpoint
ALTER TABLE "sandbox_charges" DROP CONSTRAINT "sandbox_charges_token_sandbox_card_tokens_token_fk";
