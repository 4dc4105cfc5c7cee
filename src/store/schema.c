/* store schema: the migrations, applied in order when a database is opened (see store.h, docs/store.md). */
#include "storeint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- schema ---- */

/* migrations[i] takes the database from user_version i to i + 1.  Never
 * edit a shipped step: add a new one. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE runs ("
    "  id INTEGER PRIMARY KEY,"
    "  command TEXT NOT NULL,"
    "  started TEXT NOT NULL,"
    "  finished TEXT,"
    "  pid INTEGER,"
    "  period TEXT,"
    "  files INTEGER NOT NULL DEFAULT 0,"
    "  added INTEGER NOT NULL DEFAULT 0,"
    "  unchanged INTEGER NOT NULL DEFAULT 0,"
    "  superseded INTEGER NOT NULL DEFAULT 0,"
    "  outdated INTEGER NOT NULL DEFAULT 0,"
    "  rejected INTEGER NOT NULL DEFAULT 0,"
    "  ignored INTEGER NOT NULL DEFAULT 0,"
    "  failed INTEGER NOT NULL DEFAULT 0,"
    "  outcome TEXT);"
    "CREATE TABLE units ("
    "  code TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  type TEXT NOT NULL,"
    "  area TEXT NOT NULL,"
    "  flags TEXT NOT NULL DEFAULT '',"
    "  aliases TEXT NOT NULL DEFAULT '',"
    "  contact TEXT NOT NULL DEFAULT '',"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  active_from TEXT,"
    "  active_until TEXT,"
    "  in_registry INTEGER NOT NULL DEFAULT 1 CHECK (in_registry IN (0, 1)),"
    "  first_seen TEXT NOT NULL,"
    "  changed TEXT NOT NULL);"
    "CREATE TABLE unit_changes ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL REFERENCES units(code),"
    "  run_id INTEGER REFERENCES runs(id),"
    "  at TEXT NOT NULL,"
    "  field TEXT NOT NULL,"
    "  old TEXT,"
    "  new TEXT);"
    "CREATE TABLE returns ("
    "  id INTEGER PRIMARY KEY,"
    "  sha256 TEXT NOT NULL UNIQUE,"
    "  file_name TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  has_checklist INTEGER NOT NULL CHECK (has_checklist IN (0, 1)),"
    "  has_progress INTEGER NOT NULL CHECK (has_progress IN (0, 1)),"
    "  unit_code TEXT REFERENCES units(code),"
    "  unit_written TEXT,"
    "  period TEXT,"
    "  period_from TEXT,"
    "  report_date_written TEXT,"
    "  reporter_written TEXT,"
    "  phone_written TEXT,"
    "  seal INTEGER NOT NULL DEFAULT 0,"
    "  received TEXT NOT NULL,"
    "  verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'rejected')),"
    "  errors INTEGER NOT NULL,"
    "  warnings INTEGER NOT NULL,"
    "  superseded_by INTEGER REFERENCES returns(id),"
    "  run_id INTEGER REFERENCES runs(id),"
    "  stored TEXT NOT NULL);"
    /* (unit, period, verdict) first: the supersession query runs per return
     * and must not scan the whole month. */
    "CREATE INDEX returns_unit_period ON returns(unit_code, period, verdict);"
    "CREATE INDEX returns_period ON returns(period);"
    "CREATE TABLE answers ("
    "  return_id INTEGER NOT NULL REFERENCES returns(id),"
    "  seq INTEGER NOT NULL,"
    "  sub_item TEXT,"
    "  text_written TEXT,"
    "  raw TEXT,"
    "  status TEXT NOT NULL CHECK (status IN ('none', 'done', 'partial', 'not_done', 'not_applicable')),"
    "  remark TEXT,"
    "  supervision TEXT,"
    "  measure TEXT,"
    "  deadline TEXT,"
    "  place TEXT,"
    "  PRIMARY KEY (return_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE progress_values ("
    "  return_id INTEGER NOT NULL REFERENCES returns(id),"
    "  seq INTEGER NOT NULL,"
    "  field TEXT NOT NULL,"
    "  raw TEXT,"
    "  value INTEGER,"
    "  state TEXT NOT NULL CHECK (state IN ('ok', 'missing', 'invalid', 'unlocated')),"
    "  place TEXT,"
    "  PRIMARY KEY (return_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE findings ("
    "  return_id INTEGER NOT NULL REFERENCES returns(id),"
    "  seq INTEGER NOT NULL,"
    "  source TEXT NOT NULL CHECK (source IN ('validate', 'quality')),"
    "  code TEXT NOT NULL,"
    "  severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),"
    "  place TEXT,"
    "  sub_item TEXT,"
    "  message TEXT NOT NULL,"
    "  PRIMARY KEY (return_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE dirty_periods (period TEXT PRIMARY KEY);"
    /* The return that counts for each unit, period and form: the newest
     * accepted one holding that form (the rule resupersede() applies). */
    "CREATE VIEW current_returns AS"
    " SELECT id AS return_id, unit_code, period, form, received FROM ("
    "  SELECT id, unit_code, period, 'checklist' AS form, received,"
    "   row_number() OVER (PARTITION BY unit_code, period ORDER BY received DESC, id DESC) AS rn"
    "  FROM returns WHERE verdict = 'accepted' AND has_checklist = 1 AND unit_code IS NOT NULL AND period IS NOT NULL"
    "  UNION ALL"
    "  SELECT id, unit_code, period, 'progress' AS form, received,"
    "   row_number() OVER (PARTITION BY unit_code, period ORDER BY received DESC, id DESC) AS rn"
    "  FROM returns WHERE verdict = 'accepted' AND has_progress = 1 AND unit_code IS NOT NULL AND period IS NOT NULL"
    " ) WHERE rn = 1;",
    /* 1 -> 2: each return's answers and values in one column each, so that
     * a month's figures are read from one row per return instead of a
     * hundred (d25_store_current); kept apart from returns, whose rows stay
     * narrow for the status pass.  Existing returns are filled in. */
    "CREATE TABLE return_summaries ("
    "  return_id INTEGER PRIMARY KEY REFERENCES returns(id),"
    "  statuses TEXT,"
    "  progress_json TEXT);"
    "INSERT INTO return_summaries(return_id, statuses, progress_json) SELECT id,"
    " CASE WHEN has_checklist = 1 THEN (SELECT ifnull(group_concat(x, ';'), '') FROM (SELECT sub_item || '=' || CASE status"
    "  WHEN 'done' THEN 'd' WHEN 'partial' THEN 'p' WHEN 'not_done' THEN 'n' WHEN 'not_applicable' THEN 'a' ELSE 'x' END AS x"
    "  FROM answers WHERE return_id = returns.id AND sub_item IS NOT NULL ORDER BY seq)) END,"
    " CASE WHEN has_progress = 1 THEN (SELECT json_group_array(json_array(field, value, raw, state)) FROM"
    "  (SELECT field, value, raw, state FROM progress_values WHERE return_id = returns.id ORDER BY seq)) END"
    " FROM returns;"
    "CREATE INDEX returns_period_unit ON returns(period, verdict, unit_code, received DESC, id DESC);"
    /* The same choice as before, as "no newer accepted return of the unit
     * and period holds this form": a month is then read through the index
     * above instead of numbering every return of every month. */
    "DROP VIEW current_returns;"
    "CREATE VIEW current_returns AS"
    " SELECT r.id AS return_id, r.unit_code, r.period, 'checklist' AS form, r.received FROM returns r"
    "  WHERE r.verdict = 'accepted' AND r.has_checklist = 1 AND r.unit_code IS NOT NULL AND r.period IS NOT NULL"
    "  AND NOT EXISTS (SELECT 1 FROM returns n WHERE n.period = r.period AND n.verdict = 'accepted'"
    "   AND n.unit_code = r.unit_code AND n.has_checklist = 1"
    "   AND (n.received > r.received OR (n.received = r.received AND n.id > r.id)))"
    " UNION ALL"
    " SELECT r.id, r.unit_code, r.period, 'progress', r.received FROM returns r"
    "  WHERE r.verdict = 'accepted' AND r.has_progress = 1 AND r.unit_code IS NOT NULL AND r.period IS NOT NULL"
    "  AND NOT EXISTS (SELECT 1 FROM returns n WHERE n.period = r.period AND n.verdict = 'accepted'"
    "   AND n.unit_code = r.unit_code AND n.has_progress = 1"
    "   AND (n.received > r.received OR (n.received = r.received AND n.id > r.id)));",
    /* 2 -> 3: a return's checklist rows and progress blanks in one row of
     * return_details (a JSON array each) instead of a row apiece: storing a
     * return then writes three rows, not a hundred.  answers and
     * progress_values become views with the same columns, so what reads
     * them (the quality pass, the office's own queries) reads on. */
    "CREATE TABLE return_details ("
    "  return_id INTEGER PRIMARY KEY REFERENCES returns(id),"
    "  answers TEXT NOT NULL DEFAULT '[]',"
    "  progress TEXT NOT NULL DEFAULT '[]');"
    "INSERT INTO return_details(return_id, answers, progress) SELECT id,"
    " (SELECT json_group_array(json_array(sub_item, text_written, raw, status, remark, supervision, measure, deadline,"
    "   place)) FROM (SELECT * FROM answers WHERE return_id = returns.id ORDER BY seq)),"
    " (SELECT json_group_array(json_array(field, raw, value, state, place)) FROM"
    "   (SELECT * FROM progress_values WHERE return_id = returns.id ORDER BY seq))"
    " FROM returns;"
    "DROP TABLE answers;"
    "DROP TABLE progress_values;"
    "CREATE VIEW answers(return_id, seq, sub_item, text_written, raw, status, remark, supervision, measure, deadline,"
    " place) AS SELECT d.return_id, j.key + 1, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'),"
    " json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'),"
    " json_extract(j.value, '$[5]'), json_extract(j.value, '$[6]'), json_extract(j.value, '$[7]'),"
    " json_extract(j.value, '$[8]') FROM return_details d, json_each(d.answers) j;"
    "CREATE VIEW progress_values(return_id, seq, field, raw, value, state, place) AS"
    " SELECT d.return_id, j.key + 1, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'),"
    " json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]')"
    " FROM return_details d, json_each(d.progress) j;"
    /* Every lookup of returns by unit and period starts with the period:
     * returns_period_unit serves them all, and two fewer indexes are two
     * fewer pages written with every return. */
    "DROP INDEX returns_unit_period;"
    "DROP INDEX returns_period;",
    /* 3 -> 4: the progress summary as separated text (summary_values), not
     * JSON: parsing 10,000 JSON tables was the longest part of a month's
     * figures.  Converted from the JSON in place. */
    "ALTER TABLE return_summaries RENAME COLUMN progress_json TO progress;"
    "UPDATE return_summaries SET progress = (SELECT ifnull(group_concat(x, char(30)), '') FROM"
    " (SELECT json_extract(j.value, '$[0]') || char(31) || substr(ifnull(json_extract(j.value, '$[3]'), 'u'), 1, 1)"
    "  || char(31) || ifnull(json_extract(j.value, '$[1]'), '') || char(31)"
    "  || CASE WHEN json_extract(j.value, '$[3]') = 'ok' AND json_extract(j.value, '$[1]') IS NULL"
    "   THEN replace(replace(ifnull(json_extract(j.value, '$[2]'), ''), char(30), ' '), char(31), ' ') ELSE '' END AS x"
    "  FROM json_each(return_summaries.progress) j ORDER BY j.key))"
    " WHERE progress IS NOT NULL AND json_valid(progress);",
    /* 4 -> 5: where each return's received time came from (a copied file's
     * mtime is not when it arrived), the file's own mtime beside it; a
     * version per period, bumped whenever a return of it is stored or
     * re-timed, and the version each month's report was written at, so
     * that the cron run writes a closed month once and again only when it
     * changed.  Rows stored before took the mtime (the old default). */
    "ALTER TABLE returns ADD COLUMN received_source TEXT NOT NULL DEFAULT 'mtime'"
    " CHECK (received_source IN ('seen', 'mtime', 'mail', 'register'));"
    "ALTER TABLE returns ADD COLUMN file_mtime TEXT;"
    "CREATE TABLE period_versions ("
    "  period TEXT PRIMARY KEY,"
    "  version INTEGER NOT NULL);"
    "INSERT INTO period_versions(period, version)"
    " SELECT period, count(*) FROM returns WHERE period IS NOT NULL GROUP BY period;"
    "CREATE TABLE reports_written ("
    "  period TEXT PRIMARY KEY,"
    "  version INTEGER NOT NULL,"
    "  written TEXT NOT NULL,"
    "  out TEXT);",
    /* 5 -> 6: the city's merged store (src/store/merge.c).  Unit codes are
     * unique only within a district, so units and returns are keyed by the
     * whole path (district, code): a district's own database keeps district
     * NULL.  units, unit_changes and returns are rebuilt (SQLite cannot
     * change a key in place; store_migrate runs this with foreign keys
     * off), the columns before keep their order.  packages lists each
     * district month merged: its returns carry package_id, and when a newer
     * package of the district and month replaces it, its returns stay,
     * marked withdrawn, as a corrected return stays superseded. */
    "DROP VIEW current_returns;"
    "CREATE TABLE packages ("
    "  id INTEGER PRIMARY KEY,"
    "  district TEXT NOT NULL,"
    "  period TEXT NOT NULL,"
    "  edition TEXT,"
    "  schema_version INTEGER NOT NULL,"
    "  created TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('package', 'database')),"
    "  file TEXT NOT NULL,"
    "  merged TEXT NOT NULL,"
    "  replaced_by INTEGER REFERENCES packages(id));"
    "CREATE UNIQUE INDEX packages_slice ON packages(district, period, sha256);"
    "CREATE TABLE units_6 ("
    "  code TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  type TEXT NOT NULL,"
    "  area TEXT NOT NULL,"
    "  flags TEXT NOT NULL DEFAULT '',"
    "  aliases TEXT NOT NULL DEFAULT '',"
    "  contact TEXT NOT NULL DEFAULT '',"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  active_from TEXT,"
    "  active_until TEXT,"
    "  in_registry INTEGER NOT NULL DEFAULT 1 CHECK (in_registry IN (0, 1)),"
    "  first_seen TEXT NOT NULL,"
    "  changed TEXT NOT NULL,"
    "  district TEXT,"
    "  UNIQUE (district, code));"
    "INSERT INTO units_6(code, name, type, area, flags, aliases, contact, phone, active_from, active_until, in_registry,"
    " first_seen, changed) SELECT code, name, type, area, flags, aliases, contact, phone, active_from, active_until,"
    " in_registry, first_seen, changed FROM units;"
    "CREATE TABLE unit_changes_6 ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL,"
    "  run_id INTEGER REFERENCES runs(id),"
    "  at TEXT NOT NULL,"
    "  field TEXT NOT NULL,"
    "  old TEXT,"
    "  new TEXT,"
    "  district TEXT,"
    "  FOREIGN KEY (district, code) REFERENCES units(district, code));"
    "INSERT INTO unit_changes_6(id, code, run_id, at, field, old, new) SELECT id, code, run_id, at, field, old, new"
    " FROM unit_changes;"
    "CREATE TABLE returns_6 ("
    "  id INTEGER PRIMARY KEY,"
    "  sha256 TEXT NOT NULL,"
    "  file_name TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  has_checklist INTEGER NOT NULL CHECK (has_checklist IN (0, 1)),"
    "  has_progress INTEGER NOT NULL CHECK (has_progress IN (0, 1)),"
    "  unit_code TEXT,"
    "  unit_written TEXT,"
    "  period TEXT,"
    "  period_from TEXT,"
    "  report_date_written TEXT,"
    "  reporter_written TEXT,"
    "  phone_written TEXT,"
    "  seal INTEGER NOT NULL DEFAULT 0,"
    "  received TEXT NOT NULL,"
    "  verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'rejected')),"
    "  errors INTEGER NOT NULL,"
    "  warnings INTEGER NOT NULL,"
    "  superseded_by INTEGER REFERENCES returns(id),"
    "  run_id INTEGER REFERENCES runs(id),"
    "  stored TEXT NOT NULL,"
    "  received_source TEXT NOT NULL DEFAULT 'mtime' CHECK (received_source IN ('seen', 'mtime', 'mail', 'register')),"
    "  file_mtime TEXT,"
    "  district TEXT,"
    "  package_id INTEGER REFERENCES packages(id),"
    "  withdrawn INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),"
    "  FOREIGN KEY (district, unit_code) REFERENCES units(district, code));"
    "INSERT INTO returns_6(id, sha256, file_name, path, size, has_checklist, has_progress, unit_code, unit_written, period,"
    " period_from, report_date_written, reporter_written, phone_written, seal, received, verdict, errors, warnings,"
    " superseded_by, run_id, stored, received_source, file_mtime) SELECT id, sha256, file_name, path, size, has_checklist,"
    " has_progress, unit_code, unit_written, period, period_from, report_date_written, reporter_written, phone_written,"
    " seal, received, verdict, errors, warnings, superseded_by, run_id, stored, received_source, file_mtime FROM returns;"
    "DROP TABLE returns;"
    "DROP TABLE unit_changes;"
    "DROP TABLE units;"
    "ALTER TABLE units_6 RENAME TO units;"
    "ALTER TABLE unit_changes_6 RENAME TO unit_changes;"
    "ALTER TABLE returns_6 RENAME TO returns;"
    /* The same bytes once per district and package; lookups by code or
     * hash alone (a district's own database) use the leading column. */
    "CREATE UNIQUE INDEX units_path ON units(code, ifnull(district, ''));"
    "CREATE UNIQUE INDEX returns_sha ON returns(sha256, ifnull(district, ''), ifnull(package_id, 0));"
    "CREATE INDEX returns_period_unit ON returns(period, verdict, unit_code, received DESC, id DESC);"
    "CREATE INDEX returns_package ON returns(package_id);"
    /* A city's status reads one district's month at a time. */
    "CREATE INDEX returns_district_period ON returns(district, period);"
    "CREATE VIEW current_returns AS"
    " SELECT r.id AS return_id, r.unit_code, r.period, 'checklist' AS form, r.received, r.district FROM returns r"
    "  WHERE r.verdict = 'accepted' AND r.has_checklist = 1 AND r.unit_code IS NOT NULL AND r.period IS NOT NULL"
    "  AND r.withdrawn = 0"
    "  AND NOT EXISTS (SELECT 1 FROM returns n WHERE n.period = r.period AND n.verdict = 'accepted'"
    "   AND n.unit_code = r.unit_code AND n.district IS r.district AND n.withdrawn = 0 AND n.has_checklist = 1"
    "   AND (n.received > r.received OR (n.received = r.received AND n.id > r.id)))"
    " UNION ALL"
    " SELECT r.id, r.unit_code, r.period, 'progress', r.received, r.district FROM returns r"
    "  WHERE r.verdict = 'accepted' AND r.has_progress = 1 AND r.unit_code IS NOT NULL AND r.period IS NOT NULL"
    "  AND r.withdrawn = 0"
    "  AND NOT EXISTS (SELECT 1 FROM returns n WHERE n.period = r.period AND n.verdict = 'accepted'"
    "   AND n.unit_code = r.unit_code AND n.district IS r.district AND n.withdrawn = 0 AND n.has_progress = 1"
    "   AND (n.received > r.received OR (n.received = r.received AND n.id > r.id)));",
    /* N -> N+1 (issue 18): the campaign edition each return was taken
     * under (the rule set's [edition] id, e.g. enterprise-2025), so one
     * database can hold two campaigns, or a second year, and status and
     * report count one (d25_store_set_edition).  Returns stored before
     * have '' and count for every edition. */
    "ALTER TABLE returns ADD COLUMN edition TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX returns_edition_period ON returns(edition, period);",
    /* 7 -> 8: each unit's personal link for duty25 serve (a random token,
     * tokens.c), listed by duty25 links.  Kept apart from the registry's
     * units so that a re-synchronised registry keeps its links. */
    "CREATE TABLE unit_tokens ("
    "  unit_code TEXT NOT NULL,"
    "  district TEXT,"
    "  token TEXT NOT NULL UNIQUE,"
    "  created TEXT NOT NULL);"
    "CREATE UNIQUE INDEX unit_tokens_unit ON unit_tokens(unit_code, ifnull(district, ''));",
};

int store_schema_latest(void) { return (int)(sizeof migrations / sizeof migrations[0]); }

static int user_version(d25_store *s, int *v, d25_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取版本");
    int rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return d25_store_fail(s, err, "读取版本");
    return 0;
}

int store_schema_state(d25_store *s, d25_error *err)
{
    int v;
    if (user_version(s, &v, err) < 0)
        return -1;
    int latest = (int)(sizeof migrations / sizeof migrations[0]);
    if (v > latest)
        return d25_fail(err, D25_E_DB, "数据库 %s 的结构版本为 %d，由更新版本的 duty25 创建（本程序支持到 %d），请升级 duty25",
                        s->path, v, latest);
    return v < latest;
}

int store_migrate(d25_store *s, d25_error *err)
{
    int v, due = store_schema_state(s, err);
    if (due <= 0)
        return due;
    int latest = (int)(sizeof migrations / sizeof migrations[0]);
    /* The migration and the version move together, under the write lock
     * SQLite takes for an immediate transaction. */
    /* Foreign keys are off while tables are rebuilt (step 5 -> 6): the
     * pragma is a no-op inside a transaction, so it goes around it. */
    if (d25_store_exec(s, "PRAGMA foreign_keys = OFF", err) < 0)
        return -1;
    if (d25_store_exec(s, "BEGIN IMMEDIATE", err) < 0)
        goto fail;
    if (user_version(s, &v, err) < 0)
        goto rollback;
    for (; v < latest; v++) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", v + 1);
        if (d25_store_exec(s, migrations[v], err) < 0 || d25_store_exec(s, bump, err) < 0)
            goto rollback;
    }
    if (d25_store_exec(s, "COMMIT", err) < 0)
        goto rollback;
    return d25_store_exec(s, "PRAGMA foreign_keys = ON", err);
rollback:
    d25_store_exec(s, "ROLLBACK", NULL);
fail:
    d25_store_exec(s, "PRAGMA foreign_keys = ON", NULL);
    return -1;
}
