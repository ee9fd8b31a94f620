/**
 * Version 1: sessions keyed by (machine, wrapper_session_id); events keyed by
 * (machine, wrapper_session_id, seq) with the event as jsonb and the columns
 * queries filter on. `xid` records the inserting transaction so that readers
 * can follow the table in commit-safe order (see subscribe.ts).
 */
export const MIGRATION_001 = `
CREATE SCHEMA IF NOT EXISTS agent_session_log;

CREATE TABLE agent_session_log.sessions (
  machine             text        NOT NULL,
  wrapper_session_id  text        NOT NULL,
  project             text,
  provider            text        NOT NULL,
  provider_session_id text,
  log_path            text,
  completeness        text        NOT NULL DEFAULT 'full',
  started_at          timestamptz,
  ended_at            timestamptz,
  workspace_path      text,
  command             text,
  model               text,
  source_paths        jsonb       NOT NULL DEFAULT '[]',
  backfilled          boolean     NOT NULL DEFAULT false,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (machine, wrapper_session_id)
);
CREATE INDEX sessions_started_at ON agent_session_log.sessions (started_at);

CREATE TABLE agent_session_log.events (
  id                  bigint      GENERATED ALWAYS AS IDENTITY,
  xid                 xid8        NOT NULL DEFAULT pg_current_xact_id(),
  machine             text        NOT NULL,
  wrapper_session_id  text        NOT NULL,
  seq                 bigint      NOT NULL,
  ts                  timestamptz NOT NULL,
  type                text        NOT NULL,
  provider            text        NOT NULL,
  source_kind         text        NOT NULL,
  tool_name           text,
  model               text,
  event               jsonb       NOT NULL,
  PRIMARY KEY (machine, wrapper_session_id, seq)
);
CREATE INDEX events_follow ON agent_session_log.events (xid, id);
CREATE INDEX events_ts ON agent_session_log.events (ts);
CREATE INDEX events_type_ts ON agent_session_log.events (type, ts);

-- One notification per statement, not per row: a COPY of 100,000 rows wakes
-- subscribers once. The payload is empty; they read by (xid, id).
CREATE FUNCTION agent_session_log.notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('agent_session_log_events', '');
  RETURN NULL;
END $$;
CREATE TRIGGER events_notify AFTER INSERT ON agent_session_log.events
  FOR EACH STATEMENT EXECUTE FUNCTION agent_session_log.notify_events();
`;
