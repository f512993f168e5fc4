CREATE TABLE "activity_key_days" (
	"key_hash" text NOT NULL,
	"date" date NOT NULL,
	"usage" double precision NOT NULL,
	"byok_usage" double precision NOT NULL,
	"requests" bigint NOT NULL,
	"prompt_tokens" bigint NOT NULL,
	"completion_tokens" bigint NOT NULL,
	"reasoning_tokens" bigint NOT NULL,
	CONSTRAINT "activity_key_days_pk" PRIMARY KEY("date","key_hash")
);
--> statement-breakpoint
-- Backfill: the rollup of every (key, day) already stored.
INSERT INTO "activity_key_days" ("key_hash", "date", "usage", "byok_usage", "requests", "prompt_tokens", "completion_tokens", "reasoning_tokens")
SELECT "key_hash", "date", sum("usage"), sum("byok_usage"), sum("requests"), sum("prompt_tokens"), sum("completion_tokens"), sum("reasoning_tokens")
FROM "activity_days" GROUP BY "key_hash", "date";
