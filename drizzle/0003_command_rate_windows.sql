CREATE TABLE "command_rate_windows" (
	"user_key" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"hits" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "command_rate_windows_pk" PRIMARY KEY("user_key","window_start")
);
--> statement-breakpoint
CREATE INDEX "command_rate_windows_start_idx" ON "command_rate_windows" USING btree ("window_start");