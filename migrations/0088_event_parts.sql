-- Large parts of event bodies, stored once and named from the bodies that hold them
-- (src/modules/events/parts.ts). A flag.rule_updated event of a flag with ~1,000 targets lists
-- them twice (~60 KB each); most writes list a list an earlier event of the flag already holds.
-- A rowid table: its values run to tens of KB.
CREATE TABLE event_parts (
  environment_id TEXT NOT NULL,
  id             TEXT NOT NULL,
  json           TEXT NOT NULL,
  PRIMARY KEY (environment_id, id)
);
