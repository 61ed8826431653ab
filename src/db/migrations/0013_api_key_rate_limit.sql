-- Each API key's own rate limit (issue 19): a partner calling from one address is limited by its
-- key, not by the per-address limit of anonymous callers. Null follows PARTNER_RATE_LIMIT_PER_MINUTE.
ALTER TABLE "api_keys" ADD COLUMN "rate_limit_per_minute" integer;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_rate_limit" CHECK ("api_keys"."rate_limit_per_minute" between 1 and 1000000);