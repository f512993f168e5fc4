CREATE TABLE "activity_days" (
	"date" date NOT NULL,
	"key_hash" text DEFAULT '' NOT NULL,
	"model" text NOT NULL,
	"model_permaslug" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"provider_name" text NOT NULL,
	"usage" double precision NOT NULL,
	"byok_usage" double precision NOT NULL,
	"requests" bigint NOT NULL,
	"prompt_tokens" bigint NOT NULL,
	"completion_tokens" bigint NOT NULL,
	"reasoning_tokens" bigint NOT NULL,
	"synced_at" timestamp with time zone NOT NULL,
	CONSTRAINT "activity_days_pk" PRIMARY KEY("key_hash","date","model_permaslug","endpoint_id")
);
--> statement-breakpoint
CREATE TABLE "alert_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"rule_id" integer NOT NULL,
	"crossing_no" integer NOT NULL,
	"fired_at" timestamp with time zone NOT NULL,
	"value" double precision,
	"message_id" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"error" text,
	CONSTRAINT "alert_events_crossing_uq" UNIQUE("rule_id","crossing_no"),
	CONSTRAINT "alert_events_status_ck" CHECK ("alert_events"."status" in ('pending', 'sent', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "alert_rules" (
	"id" serial PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"workspace_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"kind" text NOT NULL,
	"threshold" double precision NOT NULL,
	"state" text DEFAULT 'armed' NOT NULL,
	"crossing_no" integer DEFAULT 0 NOT NULL,
	"last_value" double precision,
	"fired_at" timestamp with time zone,
	"acknowledged_by" text,
	"acknowledged_at" timestamp with time zone,
	"snoozed_until" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_rules_channel_kind_uq" UNIQUE("platform","workspace_id","channel_id","kind"),
	CONSTRAINT "alert_rules_kind_ck" CHECK ("alert_rules"."kind" in ('below', 'runway', 'spike')),
	CONSTRAINT "alert_rules_state_ck" CHECK ("alert_rules"."state" in ('armed', 'fired'))
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"hash" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"label" text NOT NULL,
	"disabled" boolean NOT NULL,
	"limit" double precision,
	"limit_remaining" double precision,
	"limit_reset" text,
	"include_byok_in_limit" boolean NOT NULL,
	"usage" double precision NOT NULL,
	"usage_daily" double precision NOT NULL,
	"usage_weekly" double precision NOT NULL,
	"usage_monthly" double precision NOT NULL,
	"byok_usage" double precision NOT NULL,
	"byok_usage_daily" double precision NOT NULL,
	"byok_usage_weekly" double precision NOT NULL,
	"byok_usage_monthly" double precision NOT NULL,
	"created_at" timestamp with time zone,
	"updated_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"creator_user_id" text,
	"workspace_id" text,
	"synced_at" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"platform" text NOT NULL,
	"workspace_id" text,
	"channel_id" text,
	"user_id" text NOT NULL,
	"command" text NOT NULL,
	"args" text DEFAULT '' NOT NULL,
	"outcome" text NOT NULL,
	"latency_ms" integer NOT NULL,
	"error" text,
	CONSTRAINT "audit_log_outcome_ck" CHECK ("audit_log"."outcome" in ('ok', 'user_error', 'denied', 'rate_limited', 'error'))
);
--> statement-breakpoint
CREATE TABLE "chat_installations" (
	"platform" text NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text,
	"bot_user_id" text,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	CONSTRAINT "chat_installations_pk" PRIMARY KEY("platform","workspace_id")
);
--> statement-breakpoint
CREATE TABLE "credit_snapshots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	"total_credits" double precision NOT NULL,
	"total_usage" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "digest_deliveries" (
	"id" serial PRIMARY KEY NOT NULL,
	"subscription_id" integer NOT NULL,
	"window_start" date NOT NULL,
	"window_end" date NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"claimed_by" text,
	"lease_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"message_id" text,
	"error" text,
	"missed_windows" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "digest_deliveries_window_uq" UNIQUE("subscription_id","window_start"),
	CONSTRAINT "digest_deliveries_status_ck" CHECK ("digest_deliveries"."status" in ('claimed', 'sent', 'skipped', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "digest_subscriptions" (
	"id" serial PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"workspace_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"weekday" smallint NOT NULL,
	"time" text NOT NULL,
	"timezone" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"subscribed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "digest_subscriptions_channel_uq" UNIQUE("platform","workspace_id","channel_id"),
	CONSTRAINT "digest_subscriptions_weekday_ck" CHECK ("digest_subscriptions"."weekday" between 0 and 6),
	CONSTRAINT "digest_subscriptions_time_ck" CHECK ("digest_subscriptions"."time" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')
);
--> statement-breakpoint
CREATE TABLE "generation_lookups" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "generation_lookups_status_ck" CHECK ("generation_lookups"."status" in ('queued', 'done', 'not_found', 'error'))
);
--> statement-breakpoint
CREATE TABLE "generations" (
	"id" text PRIMARY KEY NOT NULL,
	"model" text NOT NULL,
	"provider_name" text,
	"total_cost" double precision NOT NULL,
	"created_at" timestamp with time zone,
	"fetched_at" timestamp with time zone NOT NULL,
	"data" jsonb NOT NULL,
	"raw" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "processed_events" (
	"platform" text NOT NULL,
	"event_id" text NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_events_pk" PRIMARY KEY("platform","event_id")
);
--> statement-breakpoint
CREATE TABLE "request_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"source" text NOT NULL,
	"batch_id" text NOT NULL,
	"line_no" integer,
	"ts" timestamp with time zone,
	"model" text,
	"tokens_in" bigint,
	"tokens_out" bigint,
	"cost" double precision,
	"tag" text,
	"extra" jsonb,
	"ingested_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "request_logs_source_ck" CHECK ("request_logs"."source" in ('cli', 'http', 'otlp'))
);
--> statement-breakpoint
CREATE TABLE "sync_state" (
	"name" text PRIMARY KEY NOT NULL,
	"last_started_at" timestamp with time zone,
	"last_ok_at" timestamp with time zone,
	"last_error" text,
	"rows" integer
);
--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_rule_id_alert_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."alert_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digest_deliveries" ADD CONSTRAINT "digest_deliveries_subscription_id_digest_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."digest_subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activity_days_date_key_idx" ON "activity_days" USING btree ("date","key_hash");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "credit_snapshots_taken_at_idx" ON "credit_snapshots" USING btree ("taken_at");--> statement-breakpoint
CREATE INDEX "generation_lookups_due_idx" ON "generation_lookups" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "request_logs_request_id_idx" ON "request_logs" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "request_logs_ts_idx" ON "request_logs" USING btree ("ts");--> statement-breakpoint
CREATE INDEX "request_logs_batch_idx" ON "request_logs" USING btree ("batch_id");