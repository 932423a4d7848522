-- Indexes that let the questions of a member's pages be answered from the
-- index alone: an entry row holds its rendered HTML, so reading one column of
-- every entry of a journey from the table walks its overflow pages.
--
-- A journey's days in reading order, with what a step view needs.
CREATE INDEX entries_steps ON entries (journey_id, kind, week, day, id, publish_at, slug, title);
-- Counts and dates of a journey's entries (its card, on every entry page).
CREATE INDEX entries_journey_publish ON entries (journey_id, publish_at);
