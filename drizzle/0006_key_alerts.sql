CREATE TABLE "key_alert_rules" (
	"id" serial PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"workspace_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"threshold" double precision NOT NULL,
	"snoozed_until" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "key_alert_rules_channel_uq" UNIQUE("platform","workspace_id","channel_id","kind","target"),
	CONSTRAINT "key_alert_rules_kind_ck" CHECK ("key_alert_rules"."kind" in ('key', 'runaway'))
);
--> statement-breakpoint
CREATE TABLE "key_alert_states" (
	"rule_id" integer NOT NULL,
	"key_hash" text NOT NULL,
	"state" text DEFAULT 'armed' NOT NULL,
	"crossing_no" integer DEFAULT 0 NOT NULL,
	"period" text,
	"last_value" double precision,
	"fired_at" timestamp with time zone,
	"since" timestamp with time zone,
	"message_id" text,
	"acknowledged_by" text,
	CONSTRAINT "key_alert_states_pk" PRIMARY KEY("rule_id","key_hash"),
	CONSTRAINT "key_alert_states_state_ck" CHECK ("key_alert_states"."state" in ('armed', 'fired'))
);
--> statement-breakpoint
CREATE TABLE "key_snapshots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	"key_hash" text NOT NULL,
	"usage" double precision NOT NULL,
	"usage_daily" double precision NOT NULL,
	"usage_weekly" double precision NOT NULL,
	"usage_monthly" double precision NOT NULL,
	"limit" double precision,
	"limit_remaining" double precision,
	"limit_reset" text,
	"disabled" boolean NOT NULL
);
--> statement-breakpoint
ALTER TABLE "key_alert_states" ADD CONSTRAINT "key_alert_states_rule_id_key_alert_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."key_alert_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "key_snapshots_key_taken_idx" ON "key_snapshots" USING btree ("key_hash","taken_at");--> statement-breakpoint
CREATE INDEX "key_snapshots_taken_idx" ON "key_snapshots" USING btree ("taken_at");