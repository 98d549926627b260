-- A report is a delivery on a channel, no longer always an e-mail (issue 16). What changed:
--  * channel: 'email' (as before) or 'file_drop' (the report's files written into a configured
--    folder, REPORT_DROP_DIR or REPORT_DROP_DIR_<gemeentecode>, for a case system to pick up).
--  * The payload per channel: an e-mail keeps subject, text_body, html_body and recipients (now
--    empty for another channel); a file drop has drop_name, the folder its files land in under the
--    configured one. Typed columns rather than one jsonb payload: each is read by name, and a
--    CHECK holds each channel to what its sender needs.
--  * Every file travels as a row of report_attachments, for every channel: the nightly CSV, a
--    column of its own until now, becomes the first attachment of the rows that have one.
-- status, quiet, kind, run_id and gemeentecode stay where they are, so signals.runs (0070, 0091)
-- and pakhuis status read the delivery's state as before, whatever its channel. The grants need no
-- change: apply_grants (0024, 0071) gives pakhuis_etl all tables of schema pakhuis, and none of
-- the new columns is free text or a name (pakhuis_meta.private_columns).

ALTER TABLE pakhuis.report_outbox
  ADD COLUMN channel text NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'file_drop')),
  ADD COLUMN drop_name text,
  ALTER COLUMN subject DROP NOT NULL,
  ALTER COLUMN text_body DROP NOT NULL,
  ALTER COLUMN html_body DROP NOT NULL;

ALTER TABLE pakhuis.report_outbox
  ADD CONSTRAINT report_outbox_payload CHECK (
    CASE channel
      WHEN 'email' THEN subject IS NOT NULL AND text_body IS NOT NULL AND html_body IS NOT NULL AND drop_name IS NULL
      -- One path segment of plain characters: the name comes from data (municipality code, date).
      WHEN 'file_drop' THEN drop_name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$' AND drop_name !~ '\.\.' AND cardinality(recipients) = 0
    END);

-- The CSV moves in front of the other attachments. Positions are shifted through negative numbers:
-- the primary key is checked row by row, and +1 in place would collide with the next attachment.
UPDATE pakhuis.report_attachments a SET position = -(a.position + 2)
FROM pakhuis.report_outbox o WHERE o.id = a.outbox_id AND o.csv IS NOT NULL;
UPDATE pakhuis.report_attachments SET position = -position - 1 WHERE position < 0;
INSERT INTO pakhuis.report_attachments (outbox_id, position, file_name, content_type, content, content_id)
SELECT id, 0, file_name, 'text/csv; charset=utf-8', convert_to(csv, 'UTF8'), NULL
FROM pakhuis.report_outbox WHERE csv IS NOT NULL;
ALTER TABLE pakhuis.report_outbox DROP COLUMN csv;
