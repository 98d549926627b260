-- What the pull fetched and from where (pipelines/pull/). A remote file is fetched once: an SFTP or
-- file: location is known by name, size and modification time, an HTTPS one answers a conditional
-- GET with the ETag and Last-Modified it gave last time. The content-hash manifest (pakhuis.loads)
-- still refuses the same content under another name. Locations are stored as they are shown:
-- the configuration refuses passwords in URLs, and a query string (which may carry a token) is
-- kept as ?….

CREATE TABLE pakhuis.pulled_files (
  id            bigserial PRIMARY KEY,
  source        text NOT NULL,
  location      text NOT NULL,                       -- the configured location
  remote        text NOT NULL,                       -- the file fetched
  remote_size   bigint,
  remote_mtime  timestamptz,
  etag          text,
  last_modified text,                                -- as the server wrote it, sent back as If-Modified-Since
  bytes         bigint NOT NULL,
  sha256        text NOT NULL,
  inbox_name    text,                                -- null: the content was the same as last time, nothing was put in the inbox
  run_id        bigint REFERENCES pakhuis.runs (id) ON DELETE SET NULL,
  fetched_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  moved_to      text                                 -- where PULL_<SOURCE>_AFTER=move: put the remote file
);
CREATE INDEX pulled_files_remote_idx ON pakhuis.pulled_files (remote, id DESC);
CREATE INDEX pulled_files_location_idx ON pakhuis.pulled_files (location, id DESC);

-- The last attempt per configured location, for `pakhuis status` and for the age a warning gives.
CREATE TABLE pakhuis.pull_locations (
  source          text NOT NULL,
  location        text NOT NULL,
  last_attempt_at timestamptz NOT NULL,
  last_success_at timestamptz,                       -- the location was reached and read, whether or not it held anything new
  last_fetch_at   timestamptz,                       -- something new was put in the inbox
  last_error      text,                              -- of the last attempt; null when it succeeded
  PRIMARY KEY (source, location)
);
