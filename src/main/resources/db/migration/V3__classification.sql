-- What the classifier decided about a request's first mail: kept with the request (the store may hold
-- personal data; events may not), so operators and later steps (matching) can see it.
alter table request add column confidence numeric(4, 3);
alter table request add column review boolean not null default false;
alter table request add column classification text;  -- JSON: evidence (rules that fired) and identifiers found
