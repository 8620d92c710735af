-- Deliveries are found endpoint by endpoint (the worker keeps one attempt in flight per
-- endpoint): one index, by endpoint then due time, serves the worker (an endpoint's next due
-- delivery, the earliest due of all), the list by endpoint and an endpoint's deletion. It
-- replaces the index by due time alone and the one by endpoint alone, so a delivery written with
-- its event (in the write's transaction) costs two index entries fewer.
DROP INDEX webhook_deliveries_due;
DROP INDEX webhook_deliveries_endpoint;
CREATE INDEX webhook_deliveries_endpoint_due ON webhook_deliveries (environment_id, endpoint_id, due_ms, id);
