-- Namespace policy patterns became globs by default; a regular expression now carries the prefix
-- "re:". Every pattern stored before was a regular expression: prefix it so it keeps its meaning.
UPDATE `namespace_policies` SET `pattern` = 're:' || `pattern` WHERE `pattern` NOT LIKE 're:%';
