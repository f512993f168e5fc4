CREATE TABLE "key_actions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"action" text NOT NULL,
	"key_hash" text NOT NULL,
	"key_name" text NOT NULL,
	"params" jsonb,
	"status" text NOT NULL,
	"mode" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"before" jsonb,
	"after" jsonb,
	"error" text
);
--> statement-breakpoint
CREATE INDEX "key_actions_key_idx" ON "key_actions" USING btree ("key_hash","action");