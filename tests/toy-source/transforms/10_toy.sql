-- reads: staging.toy_meting
-- builds: model.toy_meting
-- The toy source's model: the measurements of the load being published, one per meting id.
TRUNCATE model.toy_meting;

INSERT INTO model.toy_meting (meting_id, datum, waarde, postcode, huisnummer)
SELECT DISTINCT ON (s.meting_id) s.meting_id, s.datum, s.waarde, s.postcode, s.huisnummer
FROM staging.toy_meting s
JOIN publish_loads p ON p.source = 'toy' AND p.load_id = s.load_id
ORDER BY s.meting_id, s.line DESC;
