ALTER TABLE "dispatch_offers" DROP CONSTRAINT "dispatch_offers_case_id_cases_id_fk";
