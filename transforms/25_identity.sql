-- reads: staging.brp
-- builds: identity.persoon
-- Names of persons in the published BRP load go to the restricted identity table; the model
-- tables never hold them. The loading role reads no names: the owner's function does the writing
-- (migration 0022), by difference, like the history (22_brp_history.sql).
SELECT identity.refresh_from_brp((SELECT array_agg(load_id) FROM publish_loads WHERE source = 'brp'));
