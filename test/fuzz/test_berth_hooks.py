"""The state digest behind `refused_request_changes_nothing` sees real changes and ignores the
console's own bookkeeping. Run by scripts/fuzz-api.ts (python -m unittest) before fuzzing."""

import os
import sqlite3
import tempfile
import unittest

_directory = tempfile.mkdtemp(prefix="berth-hooks-")
os.environ["BERTH_FUZZ_DB"] = os.path.join(_directory, "berth.db")

import berth_hooks  # noqa: E402  (reads BERTH_FUZZ_DB when imported)


class StateDigestTest(unittest.TestCase):
    def setUp(self):
        self.db = sqlite3.connect(os.environ["BERTH_FUZZ_DB"])
        self.db.executescript(
            """
            DROP TABLE IF EXISTS groups; DROP TABLE IF EXISTS audit_events; DROP TABLE IF EXISTS api_tokens; DROP TABLE IF EXISTS runs;
            CREATE TABLE groups (id INTEGER PRIMARY KEY, name TEXT, description TEXT);
            CREATE TABLE audit_events (id INTEGER PRIMARY KEY, action TEXT);
            CREATE TABLE api_tokens (id INTEGER PRIMARY KEY, name TEXT, last_used_at INTEGER);
            CREATE TABLE runs (id TEXT PRIMARY KEY, project TEXT, status TEXT);
            INSERT INTO groups VALUES (1, 'team', '');
            INSERT INTO api_tokens VALUES (1, 'ci', NULL);
            INSERT INTO runs VALUES ('r1', 'churn', 'running');
            """
        )
        self.db.commit()

    def tearDown(self):
        self.db.close()

    def change(self, statement):
        before = berth_hooks.state_digest()
        self.db.execute(statement)
        self.db.commit()
        return before != berth_hooks.state_digest()

    def test_a_changed_created_or_deleted_row_changes_the_digest(self):
        self.assertTrue(self.change("UPDATE groups SET description = 'x' WHERE id = 1"))
        self.assertTrue(self.change("INSERT INTO groups VALUES (2, 'other', '')"))
        self.assertTrue(self.change("DELETE FROM runs WHERE id = 'r1'"))

    def test_audit_rows_and_background_columns_do_not(self):
        self.assertFalse(self.change("INSERT INTO audit_events VALUES (1, 'group.create.refused')"))
        self.assertFalse(self.change("UPDATE api_tokens SET last_used_at = 123"))
        self.assertFalse(self.change("UPDATE runs SET status = 'succeeded'"))


if __name__ == "__main__":
    unittest.main()
