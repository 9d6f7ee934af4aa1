-- Where an OpenDSR processor says the results of an access request are (results_url, results_count of
-- its status or callback): shown to the operator by `requests show`, never fetched by the pipeline.
alter table processor_task add column results_url   text;
alter table processor_task add column results_count bigint;
